namespace AegisGuard.Storage.Metrics;

/// <summary>A catalog look-up: series of one org matching any of some selectors, optionally seen within a time range.</summary>
public sealed record MetricCatalogRequest
{
    /// <summary>The org of the caller's principal.</summary>
    public required int OrgId { get; init; }

    /// <summary>Selectors (each a list of matchers that must all match); a series matching any is included. Empty: all series.</summary>
    public IReadOnlyList<IReadOnlyList<LabelMatcher>> Selectors { get; init; } = [];

    /// <summary>Only series with samples at or after this time (Unix ms), if set.</summary>
    public long? FromMs { get; init; }

    /// <summary>Only series with samples at or before this time (Unix ms), if set.</summary>
    public long? ToMs { get; init; }

    /// <summary>At most this many results.</summary>
    public int Limit { get; init; } = 10_000;
}

namespace AegisGuard.Storage.Metrics;

/// <summary>Samples (or rollups) of the series one selector matches, in one org, within a time range.</summary>
public sealed record MetricSelectRequest
{
    /// <summary>The org of the caller's principal.</summary>
    public required int OrgId { get; init; }

    /// <summary>The selector's matchers (all must match); at least one must not match the empty string.</summary>
    public required IReadOnlyList<LabelMatcher> Matchers { get; init; }

    /// <summary>Range start, Unix ms, inclusive.</summary>
    public required long FromMs { get; init; }

    /// <summary>Range end, Unix ms, inclusive.</summary>
    public required long ToMs { get; init; }

    /// <summary>At most this many series, else <see cref="MetricQueryLimitException"/>.</summary>
    public int MaxSeries { get; init; } = 10_000;

    /// <summary>At most this many samples (or buckets) in total, else <see cref="MetricQueryLimitException"/>.</summary>
    public long MaxSamples { get; init; } = 50_000_000;
}

namespace AegisGuard.Storage.Traces;

/// <summary>The spans an aggregate covers: one org, a start-time range, optionally one service and operation.</summary>
public sealed record SpanStatsRequest
{
    /// <summary>The caller's org.</summary>
    public required int OrgId { get; init; }

    /// <summary>Spans starting at or after this time (UTC).</summary>
    public required DateTime From { get; init; }

    /// <summary>Spans starting before this time (UTC).</summary>
    public required DateTime To { get; init; }

    /// <summary>Only this service (stats are then per operation).</summary>
    public string? Service { get; init; }

    /// <summary>Only this operation.</summary>
    public string? Operation { get; init; }
}

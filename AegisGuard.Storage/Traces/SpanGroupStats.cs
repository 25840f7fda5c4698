namespace AegisGuard.Storage.Traces;

/// <summary>
/// Figures of one service or operation. Error rate and latency are over its entry spans (requests); a group without
/// entry spans has them over all its spans, so an internal-only service still shows its latency.
/// </summary>
public sealed record SpanGroupStats
{
    /// <summary>Service or operation name.</summary>
    public required string Name { get; init; }

    /// <summary>All spans.</summary>
    public required long SpanCount { get; init; }

    /// <summary>Entry spans (kind server or consumer, or no parent).</summary>
    public required long RequestCount { get; init; }

    /// <summary>Errors among the spans the rate is over (see the type's summary).</summary>
    public required double ErrorRate { get; init; }

    /// <summary>Median duration (µs).</summary>
    public required double P50Micros { get; init; }

    /// <summary>95th percentile duration (µs).</summary>
    public required double P95Micros { get; init; }

    /// <summary>99th percentile duration (µs).</summary>
    public required double P99Micros { get; init; }

    /// <summary>Distinct operations (0 for operation rows).</summary>
    public required int Operations { get; init; }
}

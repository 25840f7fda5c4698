namespace AegisGuard.Storage.Traces;

/// <summary>
/// A duration distribution: percentiles interpolated linearly between the closest ranks (DuckDB's quantile_cont,
/// numpy's default), and log-spaced buckets from the shortest to the longest duration.
/// </summary>
public sealed record DurationDistribution
{
    /// <summary>Durations counted.</summary>
    public required long Count { get; init; }

    /// <summary>Percentiles (µs) by name: p50, p75, p90, p95, p99; empty when nothing was counted.</summary>
    public required IReadOnlyDictionary<string, double> Percentiles { get; init; }

    /// <summary>The buckets, shortest first.</summary>
    public required IReadOnlyList<DurationBucket> Histogram { get; init; }

    /// <summary>What the answer is missing and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

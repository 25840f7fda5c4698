namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>What one follower step changes for one series: its catalog row, its days and its rollup buckets (final values).</summary>
internal sealed class SeriesChange
{
    public required int OrgId { get; init; }

    public required MetricSeriesIdentity Identity { get; init; }

    /// <summary>The catalog id when the series is known already; null for a new series.</summary>
    public long? ExistingId { get; init; }

    public required long FirstMs { get; init; }

    public required long LastMs { get; init; }

    /// <summary>UTC days (yyyy-MM-dd) with samples in this step, and the newest sample on each.</summary>
    public Dictionary<string, long> Days { get; } = new(StringComparer.Ordinal);

    /// <summary>Buckets to write, with their complete aggregate (merged with what was stored, or recomputed).</summary>
    public List<(long ResolutionMs, long BucketMs, RollupBucket Bucket)> Buckets { get; } = [];
}

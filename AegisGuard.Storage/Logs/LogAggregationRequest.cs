namespace AegisGuard.Storage.Logs;

/// <summary>
/// Lines counted (or their bytes summed) per group and time bucket: the storage half of metric queries and of
/// the volume histogram. Bucket <c>k</c> covers <c>[origin + k·width, origin + (k+1)·width)</c>, or with
/// <see cref="RightClosedBuckets"/> <c>(origin + k·width, origin + (k+1)·width]</c> (Prometheus range windows).
/// </summary>
public sealed record LogAggregationRequest
{
    /// <summary>Which lines. Its range must start at (or, right-closed, just after) <see cref="BucketOrigin"/>.</summary>
    public required LogFilter Filter { get; init; }

    /// <summary>Fields whose values form the groups (a missing value groups as the empty string).</summary>
    public IReadOnlyList<LogField> GroupBy { get; init; } = [];

    /// <summary>Lines or bytes.</summary>
    public LogMeasure Measure { get; init; } = LogMeasure.Count;

    /// <summary>Start of bucket 0 (UTC).</summary>
    public required DateTime BucketOrigin { get; init; }

    /// <summary>Width of a bucket (at least one microsecond).</summary>
    public required TimeSpan BucketWidth { get; init; }

    /// <summary>Buckets include their end instead of their start.</summary>
    public bool RightClosedBuckets { get; init; }

    /// <summary>At most this many (group, bucket) rows are returned; beyond it the answer says it was truncated.</summary>
    public int MaxRows { get; init; } = 1_000_000;
}

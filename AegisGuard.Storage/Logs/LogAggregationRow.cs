namespace AegisGuard.Storage.Logs;

/// <summary>One (group, bucket) of an aggregation.</summary>
/// <param name="Labels">The group's values, in the order of the request's fields ("" when missing).</param>
/// <param name="Bucket">Bucket index from the origin.</param>
/// <param name="Value">Lines or bytes in the bucket.</param>
public sealed record LogAggregationRow(IReadOnlyList<string> Labels, long Bucket, double Value);

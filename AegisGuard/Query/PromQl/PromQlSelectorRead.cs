namespace AegisGuard.Query.PromQl;

/// <summary>
/// How one selector of a query was read: from rollup buckets of <see cref="RollupResolutionMs"/> (null: raw samples
/// only), with how many series answered from buckets and how many from raw samples (a series whose buckets hold NaN,
/// ±Inf or stale markers is read raw, because buckets cannot reproduce Prometheus' handling of those).
/// </summary>
/// <param name="Selector">The selector as written in the query (e.g. <c>http_requests_total[5m]</c>).</param>
/// <param name="Function">The range function over it, or null for an instant selector or a bare range vector.</param>
/// <param name="RollupResolutionMs">The rollup resolution used (60,000, 300,000 or 3,600,000), or null for raw.</param>
/// <param name="RollupSeries">Series answered from buckets.</param>
/// <param name="RawSeries">Series answered from raw samples.</param>
public sealed record PromQlSelectorRead(string Selector, string? Function, long? RollupResolutionMs, int RollupSeries, int RawSeries);

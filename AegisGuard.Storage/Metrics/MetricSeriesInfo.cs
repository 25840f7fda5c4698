namespace AegisGuard.Storage.Metrics;

/// <summary>A catalog entry: a series, its type and when it was last seen.</summary>
/// <param name="Labels">Labels sorted by name, <c>__name__</c> included.</param>
/// <param name="Type">counter, gauge or histogram (for <c>_bucket</c>, <c>_sum</c>, <c>_count</c> of a histogram).</param>
/// <param name="LastSeenMs">Time of its newest sample, Unix ms.</param>
public sealed record MetricSeriesInfo(IReadOnlyList<MetricLabel> Labels, string Type, long LastSeenMs);

namespace AegisGuard.Storage.Metrics;

/// <summary>One series and its samples, ascending by time, at most one sample per timestamp.</summary>
/// <param name="Labels">Labels sorted by name, <c>__name__</c> included.</param>
/// <param name="TimestampsMs">Sample times, Unix ms.</param>
/// <param name="Values">Sample values (NaN and ±Inf kept as sent).</param>
public sealed record MetricSeriesSamples(IReadOnlyList<MetricLabel> Labels, long[] TimestampsMs, double[] Values);

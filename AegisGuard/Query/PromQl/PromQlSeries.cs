using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>A series with points: a range vector's window, or one series of a range query's result.</summary>
public sealed record PromQlSeries(MetricLabel[] Labels, long[] TimestampsMs, double[] Values);

using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>One element of an instant vector: labels (sorted), value, and the time it is for (Unix ms).</summary>
public readonly record struct PromQlSample(MetricLabel[] Labels, double Value, long TimestampMs);

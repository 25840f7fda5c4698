namespace AegisGuard.Storage.Traces;

/// <summary>Calls of one edge from one caller operation to one callee operation.</summary>
/// <param name="CallerOperation">Parent span name.</param>
/// <param name="CalleeOperation">Child span name.</param>
/// <param name="CallCount">Child spans.</param>
/// <param name="ErrorCount">Child spans of status error.</param>
/// <param name="P95Micros">95th percentile child duration (µs).</param>
public sealed record EdgeOperationStats(string CallerOperation, string CalleeOperation, long CallCount, long ErrorCount, double P95Micros);

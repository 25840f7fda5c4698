namespace AegisGuard.Storage.Traces;

/// <summary>One step of a RED series.</summary>
/// <param name="Start">Step start (UTC).</param>
/// <param name="Requests">Entry spans starting in the step.</param>
/// <param name="Errors">Those of status error.</param>
/// <param name="P50Micros">Median duration, null when there were none.</param>
/// <param name="P95Micros">95th percentile duration, null when there were none.</param>
/// <param name="P99Micros">99th percentile duration, null when there were none.</param>
public sealed record RedPoint(DateTime Start, long Requests, long Errors, double? P50Micros, double? P95Micros, double? P99Micros);

namespace AegisGuard.Load;

/// <summary>Percentiles of the merged ack latencies, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);
}

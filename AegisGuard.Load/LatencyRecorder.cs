using HdrHistogram;

namespace AegisGuard.Load;

/// <summary>
/// Ack latencies of one sender in an HdrHistogram (microseconds, 3 significant digits). Each sender
/// owns its recorder and awaits one request at a time, so recording needs no locks; the runner
/// merges all recorders once the phase is over.
/// </summary>
/// <remarks>
/// Senders are closed-loop (the next request starts when the previous one is answered), so these
/// are service times: a stalled server slows the senders down instead of piling up latency
/// (coordinated omission). Compare runs at the same sender count.
/// </remarks>
internal sealed class LatencyRecorder
{
    private const long HighestMicroseconds = 10L * 60 * 1_000_000;
    private const int SignificantDigits = 3;

    private readonly LongHistogram _histogram = NewHistogram();

    public long Count => _histogram.TotalCount;

    public void Record(TimeSpan latency) =>
        _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicroseconds));

    public static LatencySummary Summarize(IEnumerable<LatencyRecorder> recorders)
    {
        var merged = NewHistogram();
        foreach (var recorder in recorders)
        {
            merged.Add(recorder._histogram);
        }

        if (merged.TotalCount == 0)
        {
            return LatencySummary.Empty;
        }

        return new LatencySummary(
            merged.TotalCount,
            Milliseconds(merged.GetValueAtPercentile(50)),
            Milliseconds(merged.GetValueAtPercentile(95)),
            Milliseconds(merged.GetValueAtPercentile(99)),
            Milliseconds(merged.GetMaxValue()),
            merged.GetMean() / 1_000.0);
    }

    private static LongHistogram NewHistogram() => new(HighestMicroseconds, SignificantDigits);

    private static double Milliseconds(long microseconds) => microseconds / 1_000.0;
}

using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Ingest.Schema;

/// <summary>The decoder of each signal, for code that meets records of every signal (the pipeline, recovery).</summary>
public sealed class BatchDecoders(LogBatchDecoder logs, MetricBatchDecoder metrics, SpanBatchDecoder spans, RumBatchDecoder rum)
{
    /// <summary>The decoder (wire schema) of <paramref name="signal"/>.</summary>
    public IBatchDecoder For(Signal signal) => signal switch
    {
        Signal.Logs => logs,
        Signal.Metrics => metrics,
        Signal.Traces => spans,
        Signal.Rum => rum,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "unknown signal"),
    };
}

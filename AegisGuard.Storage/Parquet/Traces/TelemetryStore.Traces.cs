using AegisGuard.Storage.Parquet.Traces;

namespace AegisGuard.Storage.Parquet;

/// <summary>The span store over this store's files (created on first use, after the read guard exists).</summary>
public sealed partial class TelemetryStore
{
    private ParquetSpanStore? spans;

    /// <summary>Traces: trace by id, search over the per-trace summaries, span aggregates; and the follower keeping the summaries.</summary>
    public ParquetSpanStore Spans => LazyInitializer.EnsureInitialized(ref spans, () => new ParquetSpanStore(Manifest, Engine, TelemetryRoot, damage));
}

namespace AegisGuard.Storage.Parquet;

/// <summary>What the metric store (catalog, rollups, raw samples) needs from the telemetry store.</summary>
public sealed partial class TelemetryStore
{
    /// <summary>The guard that takes damaged files out of reads, for readers outside this class (the metric store).</summary>
    internal ParquetFileGuard DamageGuard => damage;
}

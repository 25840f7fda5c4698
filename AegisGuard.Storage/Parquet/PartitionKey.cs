using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet;

/// <summary>A Parquet partition: one signal of one org on one UTC day.</summary>
/// <param name="Signal">The signal.</param>
/// <param name="OrgId">The org's numeric id.</param>
/// <param name="Day">The UTC day of the events' timestamps.</param>
public readonly record struct PartitionKey(Signal Signal, int OrgId, DateOnly Day)
{
    /// <summary>The partition folder relative to the telemetry root, '/' separated.</summary>
    public string RelativeFolder => $"{SignalNames.Of(Signal)}/org={OrgId}/day={Day:yyyy-MM-dd}";
}

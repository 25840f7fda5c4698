using AegisGuard.Storage.Metrics;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>The contract run against the Parquet store: samples flushed to Parquet, catalog and rollups from its follower.</summary>
public sealed class ParquetMetricStoreContractTests : MetricStoreContract, IDisposable
{
    private readonly ParquetMetricStoreHarness harness = new();

    protected override async Task<IMetricStore> StoreWithAsync(IReadOnlyList<IReadOnlyList<MetricSeed>> batches)
    {
        foreach (var batch in batches)
        {
            harness.Flush(batch);
        }

        await harness.FollowAsync();
        return harness.Metrics;
    }

    public void Dispose() => harness.Dispose();
}

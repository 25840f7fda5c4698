using AegisGuard.Storage.Metrics;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// The contract run against the engine tests' in-memory store. It stores series, not histogram rows, so histogram
/// samples are given to it already exposed as <c>x_bucket</c>/<c>x_sum</c>/<c>x_count</c>; later batches overwrite.
/// </summary>
public sealed class InMemoryMetricStoreContractTests : MetricStoreContract
{
    protected override Task<IMetricStore> StoreWithAsync(IReadOnlyList<IReadOnlyList<MetricSeed>> batches)
    {
        var store = new InMemoryMetricStore();
        foreach (var seed in batches.SelectMany(b => b))
        {
            var labels = seed.Labels.Where(l => l.Key != "__name__").ToList();
            if (seed.Bounds is { } bounds && seed.BucketCounts is { } counts)
            {
                for (int i = 0; i < bounds.Length; i++)
                {
                    string le = double.IsPositiveInfinity(bounds[i]) ? "+Inf" : bounds[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
                    store.Add(seed.OrgId, [.. labels, new("__name__", seed.Name + "_bucket"), new("le", le)], [(seed.TimeMs, counts[i])], "histogram");
                }

                store.Add(seed.OrgId, [.. labels, new("__name__", seed.Name + "_sum")], [(seed.TimeMs, seed.Value)], "histogram");
                store.Add(seed.OrgId, [.. labels, new("__name__", seed.Name + "_count")], [(seed.TimeMs, (double)(seed.Count ?? counts[^1]))], "histogram");
                continue;
            }

            store.Add(seed.OrgId, [.. labels, new("__name__", seed.Name)], [(seed.TimeMs, seed.Value)], seed.Type);
        }

        return Task.FromResult<IMetricStore>(store);
    }
}

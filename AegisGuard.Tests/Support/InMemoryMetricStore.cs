using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Tests.Support;

/// <summary>
/// An honest in-memory <see cref="IMetricStore"/>: series per org, samples kept sorted, rollups computed from the same
/// samples, catalog answers from the series. Engine tests load data into it; the store contract suite can run on it.
/// </summary>
public sealed class InMemoryMetricStore : IMetricStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(int Org, string Key), Series> _series = [];

    private sealed class Series(int org, MetricLabel[] labels, string type)
    {
        public int Org { get; } = org;

        public MetricLabel[] Labels { get; } = labels;

        public string Type { get; set; } = type;

        public SortedList<long, double> Samples { get; } = [];
    }

    /// <summary>Number of SelectRollupsAsync calls (tests check the engine used rollups).</summary>
    public int RollupCalls { get; private set; }

    /// <summary>Number of SelectAsync calls.</summary>
    public int RawCalls { get; private set; }

    /// <summary>Adds (or overwrites) samples of one series; labels include <c>__name__</c>, empty values are dropped.</summary>
    public void Add(int orgId, IEnumerable<KeyValuePair<string, string>> labels, IEnumerable<(long TimestampMs, double Value)> samples, string type = "gauge")
    {
        var sorted = labels.Where(l => l.Value.Length > 0).Select(l => new MetricLabel(l.Key, l.Value))
            .OrderBy(l => l.Name, StringComparer.Ordinal).ToArray();
        string key = string.Join("\xff", sorted.Select(l => l.Name + "=" + l.Value));
        lock (_lock)
        {
            if (!_series.TryGetValue((orgId, key), out var series))
            {
                series = new Series(orgId, sorted, type);
                _series[(orgId, key)] = series;
            }

            foreach (var (t, v) in samples)
            {
                series.Samples[t] = v;
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _series.Clear();
        }
    }

    public Task<IReadOnlyList<MetricSeriesSamples>> SelectAsync(MetricSelectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            RawCalls++;
            var output = new List<MetricSeriesSamples>();
            long total = 0;
            foreach (var s in Matching(request.OrgId, [request.Matchers]))
            {
                var picked = s.Samples.Where(p => p.Key >= request.FromMs && p.Key <= request.ToMs).ToList();
                if (picked.Count == 0)
                {
                    continue;
                }

                total += picked.Count;
                if (output.Count + 1 > request.MaxSeries)
                {
                    throw new MetricQueryLimitException($"the selector matches more than {request.MaxSeries} series");
                }

                if (total > request.MaxSamples)
                {
                    throw new MetricQueryLimitException($"the query would read more than {request.MaxSamples} samples");
                }

                output.Add(new MetricSeriesSamples(s.Labels, [.. picked.Select(p => p.Key)], [.. picked.Select(p => p.Value)]));
            }

            return Task.FromResult<IReadOnlyList<MetricSeriesSamples>>(output);
        }
    }

    public Task<IReadOnlyList<MetricRollupSeries>> SelectRollupsAsync(MetricSelectRequest request, TimeSpan resolution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long width = (long)resolution.TotalMilliseconds;
        lock (_lock)
        {
            RollupCalls++;
            var output = new List<MetricRollupSeries>();
            long total = 0;
            foreach (var s in Matching(request.OrgId, [request.Matchers]))
            {
                var buckets = s.Samples
                    .Where(p => !IsStale(p.Value))
                    .GroupBy(p => Floor(p.Key, width))
                    .Where(g => g.Key >= request.FromMs && g.Key <= request.ToMs)
                    .OrderBy(g => g.Key)
                    .Select(g => g.ToList())
                    .ToList();
                if (buckets.Count == 0)
                {
                    continue;
                }

                total += buckets.Count;
                if (output.Count + 1 > request.MaxSeries || total > request.MaxSamples)
                {
                    throw new MetricQueryLimitException("the query would read too many series or buckets");
                }

                output.Add(new MetricRollupSeries
                {
                    Labels = s.Labels,
                    BucketStartMs = [.. buckets.Select(b => Floor(b[0].Key, width))],
                    Min = [.. buckets.Select(b => b.Select(p => p.Value).Aggregate((m, v) => v < m || double.IsNaN(m) ? v : m))],
                    Max = [.. buckets.Select(b => b.Select(p => p.Value).Aggregate((m, v) => v > m || double.IsNaN(m) ? v : m))],
                    Sum = [.. buckets.Select(b => b.Sum(p => p.Value))],
                    Count = [.. buckets.Select(b => (long)b.Count)],
                    First = [.. buckets.Select(b => b[0].Value)],
                    FirstMs = [.. buckets.Select(b => b[0].Key)],
                    Last = [.. buckets.Select(b => b[^1].Value)],
                    LastMs = [.. buckets.Select(b => b[^1].Key)],
                    Increase = [.. buckets.Select(Increase)],
                });
            }

            return Task.FromResult<IReadOnlyList<MetricRollupSeries>>(output);
        }
    }

    public Task<IReadOnlyList<string>> LabelNamesAsync(MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            IReadOnlyList<string> names = Catalog(request).SelectMany(s => s.Labels.Select(l => l.Name)).Distinct()
                .Order(StringComparer.Ordinal).Take(request.Limit).ToList();
            return Task.FromResult(names);
        }
    }

    public Task<IReadOnlyList<string>> LabelValuesAsync(string labelName, MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            IReadOnlyList<string> values = Catalog(request).SelectMany(s => s.Labels.Where(l => l.Name == labelName).Select(l => l.Value)).Distinct()
                .Order(StringComparer.Ordinal).Take(request.Limit).ToList();
            return Task.FromResult(values);
        }
    }

    public Task<IReadOnlyList<MetricSeriesInfo>> SeriesAsync(MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            IReadOnlyList<MetricSeriesInfo> series = Catalog(request).Take(request.Limit)
                .Select(s => new MetricSeriesInfo(s.Labels, s.Type, s.Samples.Keys[^1])).ToList();
            return Task.FromResult(series);
        }
    }

    private static bool IsStale(double v) => BitConverter.DoubleToInt64Bits(v) == 0x7ff0000000000002;

    private static long Floor(long t, long width) => t >= 0 ? t / width * width : ((t - width + 1) / width) * width;

    private static double Increase(List<KeyValuePair<long, double>> bucket)
    {
        double result = bucket[^1].Value - bucket[0].Value;
        for (int i = 1; i < bucket.Count; i++)
        {
            if (bucket[i].Value < bucket[i - 1].Value)
            {
                result += bucket[i - 1].Value;
            }
        }

        return result;
    }

    private IEnumerable<Series> Catalog(MetricCatalogRequest request) =>
        Matching(request.OrgId, request.Selectors)
            .Where(s => s.Samples.Count > 0
                && (request.FromMs is null || s.Samples.Keys[^1] >= request.FromMs)
                && (request.ToMs is null || s.Samples.Keys[0] <= request.ToMs));

    private List<Series> Matching(int orgId, IReadOnlyList<IReadOnlyList<LabelMatcher>> selectors) =>
        _series.Values
            .Where(s => s.Org == orgId && (selectors.Count == 0 || selectors.Any(matchers => matchers.All(m => PromQlRegex.Matches(m, Get(s.Labels, m.Name))))))
            .OrderBy(s => s.Labels, Comparer<MetricLabel[]>.Create(Compare))
            .ToList();

    private static string Get(MetricLabel[] labels, string name) => labels.FirstOrDefault(l => l.Name == name).Value ?? string.Empty;

    private static int Compare(MetricLabel[] a, MetricLabel[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            int c = string.CompareOrdinal(a[i].Name, b[i].Name);
            if (c == 0)
            {
                c = string.CompareOrdinal(a[i].Value, b[i].Value);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}

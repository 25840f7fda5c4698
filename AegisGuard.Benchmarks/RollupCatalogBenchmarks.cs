using AegisGuard.Storage.Parquet.Metrics;
using BenchmarkDotNet.Attributes;

namespace AegisGuard.Benchmarks;

/// <summary>
/// The metric catalog's rollup reads and writes alone (no Parquet, PromQL or HTTP), on the shape of the side-by-side
/// data set's <c>http_requests_total</c>: 480 counter series × 24 h at 15 s, rolled up at 1 m / 5 m / 1 h. <c>Read24h</c>
/// is what the 24 h <c>rate(…[5m])</c> query at step 5 m asks of <c>catalog.db</c> (issue #11: 63.5 % of that query was
/// <see cref="MetricCatalog.ReadBuckets"/>); <c>FollowOneScrape</c> is a follower step adding one scrape of every series
/// (load the touched buckets, merge, write with the watermark), the write side that a packed format makes heavier.
/// </summary>
[MemoryDiagnoser(false)]
public class RollupCatalogBenchmarks : IDisposable
{
    private const int Series = 480;
    private const long Step = 15_000;
    private static readonly long End = new DateTimeOffset(2026, 12, 2, 11, 45, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly long Start = End - 86_400_000;

    private string directory = "";
    private MetricCatalog catalog = null!;
    private List<long> ids = [];
    private long next;
    private long followed;

    [GlobalSetup]
    public void Setup()
    {
        directory = Path.Combine(Path.GetTempPath(), "rollup-bench-" + Guid.NewGuid().ToString("N"));
        catalog = new MetricCatalog(Path.Combine(directory, "catalog.db"));
        var random = new Random(11);
        for (int first = 0; first < Series; first += 40)
        {
            var changes = new List<SeriesChange>();
            for (int s = first; s < first + 40; s++)
            {
                var times = new List<long>();
                var values = new List<double>();
                double value = 0;
                for (long t = Start; t < End; t += Step)
                {
                    value = random.NextDouble() < 0.0005 ? 0 : value + random.Next(0, 40);
                    times.Add(t);
                    values.Add(value);
                }

                var change = NewChange(s, times[0], times[^1]);
                foreach (long resolution in MetricFollower.Resolutions)
                {
                    foreach (var (bucket, aggregate) in RollupBucket.Aggregate(times, values, resolution))
                    {
                        change.Buckets.Add((resolution, bucket, aggregate));
                    }
                }

                changes.Add(change);
            }

            catalog.Apply(changes, followed += 64);
        }

        ids = [.. catalog.FindIds(1, Enumerable.Range(0, Series).Select(Key)).Values];
        next = End;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    public void Dispose() => GC.SuppressFinalize(this);

    /// <summary>The 5 m buckets of every series over the 24 h range the side-by-side query asks (aligned to 5 m, crossing midnight).</summary>
    [Benchmark]
    public int Read24h()
    {
        var buckets = catalog.ReadBuckets(ids, 300_000, Start, End - 300_000);
        int count = 0;
        foreach (var list in buckets.Values)
        {
            count += list.Count;
        }

        return count;
    }

    /// <summary>The query limit's count of the same buckets (before anything is read).</summary>
    [Benchmark]
    public long Count24h() => catalog.CountBucketsOver(ids, 300_000, Start, End - 300_000, 11_000_000) ?? 0;

    /// <summary>One follower step adding the next scrape of every series to the 1 m, 5 m and 1 h buckets.</summary>
    [Benchmark]
    public int FollowOneScrape()
    {
        long t = next += Step;
        var keys = new List<(long, long, long)>();
        foreach (long id in ids)
        {
            foreach (long resolution in MetricFollower.Resolutions)
            {
                keys.Add((id, resolution, RollupBucket.BucketOf(t, resolution)));
            }
        }

        var stored = catalog.LoadBuckets(keys);
        var changes = new List<SeriesChange>();
        foreach (long id in ids)
        {
            var change = new SeriesChange { OrgId = 1, Identity = Identity(0), ExistingId = id, FirstMs = t, LastMs = t };
            change.Days[DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(t)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)] = t;
            foreach (long resolution in MetricFollower.Resolutions)
            {
                long bucket = RollupBucket.BucketOf(t, resolution);
                var partial = RollupBucket.Of(t, t);
                change.Buckets.Add((resolution, bucket, stored.TryGetValue((id, resolution, bucket), out var existing) ? RollupBucket.Merge(existing, partial) : partial));
            }

            changes.Add(change);
        }

        catalog.Apply(changes, followed += 64);
        return stored.Count;
    }

    private static SeriesChange NewChange(int s, long first, long last)
    {
        var change = new SeriesChange { OrgId = 1, Identity = Identity(s), FirstMs = first, LastMs = last };
        for (long day = first - (first % 86_400_000); day <= last; day += 86_400_000)
        {
            change.Days[DateOnly.FromDateTime(DateTime.UnixEpoch.AddMilliseconds(day)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)] = Math.Min(last, day + 86_399_999);
        }

        return change;
    }

    private static string Key(int s) => Identity(s).Key;

    private static MetricSeriesIdentity Identity(int s)
    {
        var labels = MetricSeriesIdentity.Build("http_requests_total", Labels(s));
        return new MetricSeriesIdentity(MetricSeriesIdentity.KeyOf(labels), labels, "http_requests_total", "counter", "http_requests_total", "{}");
    }

    private static Dictionary<string, string> Labels(int s) => new(StringComparer.Ordinal)
    {
        ["service"] = $"svc-{s / 24}",
        ["instance"] = $"i-{s % 2}",
        ["route"] = $"/r{s / 2 % 4}",
        ["code"] = (s % 3) switch { 0 => "200", 1 => "404", _ => "500" },
    };
}

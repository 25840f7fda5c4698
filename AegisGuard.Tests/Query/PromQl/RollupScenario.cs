using System.Globalization;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Generated metrics for the rollup-vs-raw tests: 6 hours at 15 s from an hour-aligned start. Counters with and
/// without resets, samples exactly on every bucket edge (api), jittered off the edges (web), gaps longer than a 5 m and
/// than a 1 h bucket (db); gauges (also negative); a classic histogram with a reset; and, for stores that can hold
/// them, a gauge with real NaN samples and series with stale markers (the wire format has no NaN, so those are not
/// sent to the app).
/// </summary>
public sealed class RollupScenario
{
    public const int Hours = 6;
    public static readonly double StaleMarker = BitConverter.Int64BitsToDouble(0x7ff0000000000002);
    private static readonly double[] Bounds = [0.1, 0.5, 1];

    private readonly List<Point> points = [];

    public RollupScenario(long baseMs)
    {
        BaseMs = baseMs;
        var random = new Random(16);
        foreach (string service in new[] { "api", "web", "db" })
        {
            foreach (bool resets in new[] { false, true })
            {
                double c = Math.Round(random.NextDouble() * 100, 3);
                var resetAt = resets ? new HashSet<int> { random.Next(100, 400), random.Next(500, 900), random.Next(1000, 1400) } : [];
                Counter("http_requests_total", service, resets ? "some" : "none", Times(service, random), i =>
                {
                    c = resetAt.Contains(i) ? Math.Round(random.NextDouble() * 3, 3) : Math.Round(c + (random.NextDouble() * 20), 3);
                    return c;
                });
            }

            Gauge("g", service, Times(service, random), _ => Math.Round((random.NextDouble() * 200) - 50, 2), finite: true);
        }

        Gauge("g", "nan", Times("api", random), i => i % 37 == 5 ? double.NaN : Math.Round(random.NextDouble() * 10, 2), finite: false);
        Gauge("g", "stale", Times("api", random), i => i % 41 == 7 ? StaleMarker : Math.Round(random.NextDouble() * 10, 2), finite: false);
        double s = 0;
        Counter("http_requests_total", "stale", "some", Times("web", random), i => i % 53 == 9 ? StaleMarker : (i % 400 == 200 ? s = 1 : s += 3), finite: false);

        foreach (string service in new[] { "api", "web" })
        {
            var counts = new long[Bounds.Length + 1];
            double sum = 0;
            int resetAt = random.Next(300, 1200);
            foreach (var (i, t) in Times(service, random))
            {
                if (i == resetAt)
                {
                    Array.Clear(counts);
                    sum = 0;
                }

                long below = 0;
                for (int b = 0; b < counts.Length; b++)
                {
                    below += random.Next(0, 4);
                    counts[b] += below;
                }

                // Cumulative already: each bucket got at least what the one below got this step.
                sum += Math.Round(random.NextDouble() * 5, 3);
                points.Add(new Point("x", "histogram", service, null, t, sum, [.. counts], true));
            }
        }
    }

    /// <summary>Hour-aligned start of the data (Unix ms).</summary>
    public long BaseMs { get; }

    public long EndMs => BaseMs + (Hours * 3_600_000L);

    /// <summary>Samples the wire format can carry (what is sent to the app), as exposed series.</summary>
    public int FiniteSampleCount => points.Where(p => p.Finite).Sum(p => p.BucketCounts is null ? 1 : p.BucketCounts.Length + 2);

    private sealed record Point(string Name, string Type, string Service, string? Resets, long TimeMs, double Value, long[]? BucketCounts, bool Finite);

    /// <summary>Loads every series (with NaN and stale markers when <paramref name="withNonFinite"/>) into the in-memory store.</summary>
    public void LoadInto(InMemoryMetricStore store, int orgId, bool withNonFinite)
    {
        foreach (var group in points.Where(p => withNonFinite || p.Finite).GroupBy(p => (p.Name, p.Service, p.Resets)))
        {
            var first = group.First();
            var labels = new List<KeyValuePair<string, string>> { new("service", first.Service) };
            if (first.Resets is not null)
            {
                labels.Add(new("resets", first.Resets));
            }

            if (first.BucketCounts is null)
            {
                store.Add(orgId, [new("__name__", first.Name), .. labels], group.Select(p => (p.TimeMs, p.Value)), first.Type);
                continue;
            }

            for (int b = 0; b <= Bounds.Length; b++)
            {
                int bucket = b;
                string le = b < Bounds.Length ? Bounds[b].ToString(CultureInfo.InvariantCulture) : "+Inf";
                store.Add(orgId, [new("__name__", first.Name + "_bucket"), new("le", le), .. labels], group.Select(p => (p.TimeMs, (double)p.BucketCounts![bucket])), "histogram");
            }

            store.Add(orgId, [new("__name__", first.Name + "_sum"), .. labels], group.Select(p => (p.TimeMs, p.Value)), "histogram");
            store.Add(orgId, [new("__name__", first.Name + "_count"), .. labels], group.Select(p => (p.TimeMs, (double)p.BucketCounts![^1])), "histogram");
        }
    }

    /// <summary>The finite points as <c>POST /v1/metrics</c> bodies of at most <paramref name="size"/> items.</summary>
    public IEnumerable<string> WireBatches(int size)
    {
        var finite = points.Where(p => p.Finite).ToList();
        for (int at = 0; at < finite.Count; at += size)
        {
            var items = finite.Skip(at).Take(size).Select(p =>
            {
                var labels = new Dictionary<string, string> { ["service"] = p.Service };
                if (p.Resets is not null)
                {
                    labels["resets"] = p.Resets;
                }

                return p.BucketCounts is null
                    ? (object)new { name = p.Name, type = p.Type, value = p.Value, timestamp = p.TimeMs, labels }
                    : new
                    {
                        name = p.Name,
                        type = p.Type,
                        sum = p.Value,
                        count = p.BucketCounts[^1],
                        timestamp = p.TimeMs,
                        labels,
                        buckets = p.BucketCounts.Select((c, b) => b < Bounds.Length ? (object)new { le = Bounds[b], count = c } : new { le = "+Inf", count = c }).ToArray(),
                    };
            });
            yield return JsonSerializer.Serialize(new { metrics = items });
        }
    }

    private IEnumerable<(int Index, long TimeMs)> Times(string service, Random random)
    {
        for (int i = 0; i < Hours * 240; i++)
        {
            long t = BaseMs + (i * 15_000L);
            switch (service)
            {
                case "web":
                    // Off the edges: never on a whole minute.
                    t += random.Next(1, 14_999);
                    break;
                case "db" when (i is >= 300 and < 380) || (i is >= 900 and < 1200):
                    // 20 minutes, then 75 minutes without a sample: longer than a 5 m and than a 1 h bucket.
                    continue;
            }

            yield return (i, t);
        }
    }

    private void Counter(string name, string service, string resets, IEnumerable<(int Index, long TimeMs)> times, Func<int, double> value, bool finite = true)
    {
        foreach (var (i, t) in times.ToList())
        {
            double v = value(i);
            points.Add(new Point(name, "counter", service, resets, t, v, null, finite));
        }
    }

    private void Gauge(string name, string service, IEnumerable<(int Index, long TimeMs)> times, Func<int, double> value, bool finite)
    {
        foreach (var (i, t) in times.ToList())
        {
            points.Add(new Point(name, "gauge", service, null, t, value(i), null, finite));
        }
    }
}

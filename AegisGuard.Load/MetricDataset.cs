using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// The samples of the metrics benchmark (issue #11), generated once into memory so that the OpenMetrics text for
/// <c>promtool tsdb create-blocks-from openmetrics</c> and the signed <c>POST /v1/metrics</c> bodies carry exactly the same
/// values at exactly the same millisecond timestamps. Deterministic for a given end time and seed.
/// </summary>
/// <remarks>
/// 1,000 series in Prometheus terms (what the TSDB and the series catalog count), one sample per series every 15 s:
/// <list type="bullet">
/// <item><c>http_requests_total{service,instance,route,code}</c> counters: 20 services × 2 instances × 4 routes × 3 codes = 480.</item>
/// <item><c>process_resident_memory_bytes{service,instance}</c> gauges: 40.</item>
/// <item><c>http_request_duration_seconds{service,instance}</c> classic histograms: 40 × (10 <c>_bucket</c> series with
/// <c>le</c> 0.005 … 2.5 and +Inf, one <c>_sum</c>, one <c>_count</c>) = 480.</item>
/// </list>
/// On the wire a histogram is one item (buckets, sum, count), so one scrape of every target is 560 items for 1,000 samples.
/// Each instance is scraped at its own phase within the 15 s (as Prometheus spreads targets) and about a quarter of the
/// instances restart once during the span, which resets its counters and histograms (counter resets for rate()).
/// </remarks>
internal sealed class MetricDataset
{
    public const string Counter = "http_requests_total";
    public const string Gauge = "process_resident_memory_bytes";
    public const string Histogram = "http_request_duration_seconds";

    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly string[] Routes = ["/api/orders", "/api/cart", "/api/users/:id", "/healthz"];
    private static readonly string[] Codes = ["200", "404", "500"];
    private static readonly double[] CodeShare = [1.0, 0.06, 0.015];
    private static readonly double[] RouteShare = [1.0, 0.7, 0.45, 0.2];

    private readonly Target[] targets;
    private readonly Series[] series;

    public MetricDataset(long endMs, TimeSpan span, TimeSpan interval, int services = 20, int instancesPerService = 2, int seed = 20261202)
    {
        IntervalMs = (long)interval.TotalMilliseconds;
        Steps = (int)(span.Ticks / interval.Ticks);
        // Scrape phases are below one interval, so every sample lies in (end - span, end].
        FirstMs = endMs - ((long)Steps * IntervalMs);
        EndMs = endMs;
        var random = new Random(seed);
        var targetList = new List<Target>();
        var seriesList = new List<Series>();
        for (int s = 0; s < services; s++)
        {
            string service = $"svc-{s + 1:D2}";
            double serviceRate = 2 + (random.NextDouble() * 30);   // requests/s per instance on the busiest route
            double latencyMu = Math.Log(0.02 + (random.NextDouble() * 0.15));
            for (int i = 0; i < instancesPerService; i++)
            {
                string instance = $"10.0.{s}.{i + 10}:9100";
                long phase = 1 + random.NextInt64(IntervalMs - 1);
                int restart = random.NextDouble() < 0.25 ? random.Next(Steps / 10, Steps - (Steps / 10)) : -1;
                var target = new Target(service, phase, restart);
                targetList.Add(target);

                // Counters.
                var counterSeries = new List<(Series Series, double Rate)>();
                for (int r = 0; r < Routes.Length; r++)
                {
                    for (int c = 0; c < Codes.Length; c++)
                    {
                        var labels = new (string, string)[] { ("code", Codes[c]), ("instance", instance), ("route", Routes[r]), ("service", service) };
                        var one = new Series(Counter, labels, target, new double[Steps]);
                        seriesList.Add(one);
                        counterSeries.Add((one, serviceRate * RouteShare[r] * CodeShare[c]));
                    }
                }

                // Gauge.
                var gauge = new Series(Gauge, [("instance", instance), ("service", service)], target, new double[Steps]);
                seriesList.Add(gauge);

                // Histogram: 10 buckets, sum, count.
                var buckets = new Series[Bounds.Length + 1];
                for (int b = 0; b <= Bounds.Length; b++)
                {
                    string le = b < Bounds.Length ? Bounds[b].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                    buckets[b] = new Series(Histogram + "_bucket", [("instance", instance), ("le", le), ("service", service)], target, new double[Steps]);
                    seriesList.Add(buckets[b]);
                }

                var sum = new Series(Histogram + "_sum", [("instance", instance), ("service", service)], target, new double[Steps]);
                var count = new Series(Histogram + "_count", [("instance", instance), ("service", service)], target, new double[Steps]);
                seriesList.Add(sum);
                seriesList.Add(count);
                target.Histogram = (buckets, sum, count);

                Fill(random, target, counterSeries, gauge, buckets, sum, count, latencyMu, interval.TotalSeconds);
            }
        }

        targets = [.. targetList];
        series = [.. seriesList];
    }

    /// <summary>Samples per series.</summary>
    public int Steps { get; }

    public long IntervalMs { get; }

    /// <summary>Start of the span: every sample is after this.</summary>
    public long FirstMs { get; }

    /// <summary>End of the span: every sample is at or before this.</summary>
    public long EndMs { get; }

    /// <summary>Series in Prometheus terms (buckets, sums and counts counted one by one).</summary>
    public int SeriesCount => series.Length;

    public long SampleCount => (long)series.Length * Steps;

    /// <summary>Items on the wire per scrape round: one per counter and gauge, one per histogram.</summary>
    public int ItemsPerStep => series.Count(s => s.Name is Counter or Gauge) + targets.Length;

    public long ItemCount => (long)ItemsPerStep * Steps;

    public IEnumerable<string> Services => targets.Select(t => t.Service).Distinct().Order(StringComparer.Ordinal);

    private static void Fill(Random random, Target target, List<(Series Series, double Rate)> counters, Series gauge, Series[] buckets, Series sum,
        Series count, double latencyMu, double seconds)
    {
        int steps = gauge.Values.Length;
        var counterValues = new double[counters.Count];
        for (int c = 0; c < counters.Count; c++)
        {
            // A process that has been up a while: counters start high.
            counterValues[c] = Math.Floor(counters[c].Rate * 3600 * random.NextDouble() * 48);
        }

        var bucketValues = new double[buckets.Length];
        double sumValue = 0;
        double memory = 150e6 + (random.NextDouble() * 300e6);
        var bucketsHit = new int[buckets.Length];
        for (int step = 0; step < steps; step++)
        {
            bool restarted = step == target.RestartStep;
            if (restarted)
            {
                Array.Clear(counterValues);
                Array.Clear(bucketValues);
                sumValue = 0;
                memory = 120e6;
            }

            for (int c = 0; c < counters.Count; c++)
            {
                // Increments around rate × interval (a diurnal swing of ±40 %), whole numbers as real counters are.
                double diurnal = 1 + (0.4 * Math.Sin(2 * Math.PI * step / steps));
                double mean = counters[c].Rate * seconds * diurnal;
                counterValues[c] += Math.Max(0, Math.Round(mean + ((random.NextDouble() - 0.5) * Math.Sqrt(mean + 1) * 2)));
                counters[c].Series.Values[step] = counterValues[c];
            }

            memory = Math.Clamp(memory + ((random.NextDouble() - 0.48) * 2e6), 50e6, 2e9);
            gauge.Values[step] = Math.Round(memory);

            // Observations this interval; each one's latency drawn log-normally, so the p99 moves with load.
            int observations = 20 + random.Next(60);
            Array.Clear(bucketsHit);
            double added = 0;
            for (int o = 0; o < observations; o++)
            {
                double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                double latency = Math.Exp(latencyMu + (0.9 * normal));
                // A latency that lands in bucket b is counted by every bucket from b up (cumulative).
                int b = Array.FindIndex(Bounds, bound => latency <= bound);
                bucketsHit[b < 0 ? Bounds.Length : b]++;
                added += Math.Round(latency, 6);
            }

            long cumulative = 0;
            for (int b = 0; b < buckets.Length; b++)
            {
                cumulative += bucketsHit[b];
                bucketValues[b] += cumulative;
                buckets[b].Values[step] = bucketValues[b];
            }

            // Rounded so that the text and JSON forms are short; still a float sum as a client library keeps it.
            sumValue = Math.Round(sumValue + added, 6);
            sum.Values[step] = sumValue;
            count.Values[step] = bucketValues[^1];
        }
    }

    /// <summary>Samples with a timestamp in [<paramref name="fromMs"/>, <paramref name="toMs"/>] (both ends included, as a 2.x window).</summary>
    public long SamplesBetween(long fromMs, long toMs)
    {
        long total = 0;
        foreach (var one in series)
        {
            for (int step = 0; step < Steps; step++)
            {
                long t = TimeOf(one.Target, step);
                total += t >= fromMs && t <= toMs ? 1 : 0;
            }
        }

        return total;
    }

    private long TimeOf(Target target, int step) => FirstMs + target.PhaseMs + (step * IntervalMs);

    /// <summary>Writes every sample as OpenMetrics text (one family's lines together, each series in time order, <c># EOF</c>).</summary>
    public void WriteOpenMetrics(Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        var line = new StringBuilder(256);
        foreach (var one in series.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            line.Clear().Append(one.Name).Append('{');
            for (int l = 0; l < one.Labels.Length; l++)
            {
                line.Append(l == 0 ? "" : ",").Append(one.Labels[l].Name).Append("=\"").Append(one.Labels[l].Value).Append('"');
            }

            line.Append("} ");
            string prefix = line.ToString();
            for (int step = 0; step < Steps; step++)
            {
                long t = TimeOf(one.Target, step);
                writer.Write(prefix);
                writer.Write(one.Values[step].ToString("R", CultureInfo.InvariantCulture));
                writer.Write(' ');
                writer.Write((t / 1000).ToString(CultureInfo.InvariantCulture));
                writer.Write('.');
                writer.Write((t % 1000).ToString("000", CultureInfo.InvariantCulture));
                writer.Write('\n');
            }
        }

        writer.Write("# EOF\n");
    }

    /// <summary>
    /// The wire items in time order (every target's scrape of step 0, then step 1, …) cut into bodies of at most
    /// <paramref name="batch"/> items each, signed; <c>Samples</c> of each body counts Prometheus samples.
    /// </summary>
    public List<MetricBody> CreateBodies(int batch, HmacSigner signer)
    {
        var bodies = new List<MetricBody>();
        var buffer = new ArrayBufferWriter<byte>(4 << 20);
        var writer = new Utf8JsonWriter(buffer);
        int items = 0;
        int samples = 0;
        void Open()
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            writer.WriteStartArray("metrics");
            items = 0;
            samples = 0;
        }

        void Close()
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
            byte[] content = buffer.WrittenSpan.ToArray();
            bodies.Add(new MetricBody(content, signer.Sign(content), items, samples));
        }

        var byTarget = series.Where(s => s.Name is Counter or Gauge).GroupBy(s => s.Target).ToDictionary(g => g.Key, g => g.ToArray());
        Open();
        for (int step = 0; step < Steps; step++)
        {
            foreach (var target in targets)
            {
                long t = TimeOf(target, step);
                foreach (var one in byTarget[target])
                {
                    if (items == batch)
                    {
                        Close();
                        Open();
                    }

                    writer.WriteStartObject();
                    writer.WriteString("name"u8, one.Name);
                    writer.WriteString("type"u8, one.Name == Counter ? "counter"u8 : "gauge"u8);
                    writer.WriteNumber("value"u8, one.Values[step]);
                    writer.WriteNumber("timestamp"u8, t);
                    WriteLabels(writer, one.Labels);
                    writer.WriteEndObject();
                    items++;
                    samples++;
                }

                if (items == batch)
                {
                    Close();
                    Open();
                }

                var (buckets, sum, count) = target.Histogram;
                writer.WriteStartObject();
                writer.WriteString("name"u8, Histogram);
                writer.WriteString("type"u8, "histogram"u8);
                writer.WriteNumber("timestamp"u8, t);
                WriteLabels(writer, sum.Labels);
                writer.WriteStartArray("buckets"u8);
                for (int b = 0; b < buckets.Length; b++)
                {
                    writer.WriteStartObject();
                    if (b < Bounds.Length)
                    {
                        writer.WriteNumber("le"u8, Bounds[b]);
                    }
                    else
                    {
                        writer.WriteString("le"u8, "+Inf"u8);
                    }

                    writer.WriteNumber("count"u8, (long)buckets[b].Values[step]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteNumber("sum"u8, sum.Values[step]);
                writer.WriteNumber("count"u8, (long)count.Values[step]);
                writer.WriteEndObject();
                items++;
                samples += buckets.Length + 2;
            }
        }

        if (items > 0)
        {
            Close();
        }

        return bodies;
    }

    private static void WriteLabels(Utf8JsonWriter writer, (string Name, string Value)[] labels)
    {
        writer.WriteStartObject("labels"u8);
        foreach (var (name, value) in labels)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
    }

    private sealed class Target(string service, long phaseMs, int restartStep)
    {
        public string Service { get; } = service;

        public long PhaseMs { get; } = phaseMs;

        public int RestartStep { get; } = restartStep;

        public (Series[] Buckets, Series Sum, Series Count) Histogram { get; set; }
    }

    private sealed record Series(string Name, (string Name, string Value)[] Labels, Target Target, double[] Values);
}

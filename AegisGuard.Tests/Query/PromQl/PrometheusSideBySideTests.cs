using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AegisGuard.Query.PromQl;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Loads the same generated samples into a real Prometheus 2.42 (Debian's package: promtool tsdb create-blocks-from
/// openmetrics, then prometheus on that TSDB) and into the engine, and requires the same answers for a generated set of
/// instant and range queries. Needs /usr/bin/prometheus and /usr/bin/promtool (CI installs the package).
/// </summary>
[Trait("Category", "Prometheus")]
public sealed class PrometheusSideBySideTests
{
    private const long T0 = 1_700_000_000_000;
    private const int OrgId = 1;

    // T0 is 800 s past a whole hour: these instants are aligned to 1 h and to 5 min, so aligned windows read rollups.
    private const long HourAligned = T0 + 2_800_000;
    private const long AlignedStart = T0 + 400_000;

    private static readonly string[] RollupFunctions =
        ["rate", "increase", "delta", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "avg_over_time", "last_over_time", "present_over_time"];

    private static int answersWithSeries;

    [Fact]
    public async Task Engine_answers_equal_a_real_Prometheus_on_the_same_samples()
    {
        Assert.True(File.Exists("/usr/bin/prometheus") && File.Exists("/usr/bin/promtool"), "install Debian's prometheus package (apt-get install prometheus)");
        using var dir = new TempDirectory();
        var store = new InMemoryMetricStore();
        string openMetrics = Generate(store);
        string om = Path.Combine(dir.Path, "data.om");
        await File.WriteAllTextAsync(om, openMetrics);
        await RunAsync("/usr/bin/promtool", $"tsdb create-blocks-from openmetrics {om} {Path.Combine(dir.Path, "tsdb")}");
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "prometheus.yml"), "global: {}\n");
        int port = FreePort();
        using var prometheus = Process.Start(new ProcessStartInfo("/usr/bin/prometheus",
            $"--config.file={Path.Combine(dir.Path, "prometheus.yml")} --storage.tsdb.path={Path.Combine(dir.Path, "tsdb")} " +
            $"--web.listen-address=127.0.0.1:{port} --storage.tsdb.retention.time=100y")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    return (await http.GetAsync("/-/ready")).StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, ready => ready, TimeSpan.FromSeconds(30), "prometheus to be ready");

            var engine = new PromQlEngine(store, Options.Create(new PromQlOptions()));
            var mismatches = new List<string>();
            int compared = 0;
            foreach (string query in Queries())
            {
                foreach (long at in new long[] { T0 + 1_800_000, T0 + 3_599_000, T0 + 3_700_000, T0 + 1_234_567, HourAligned })
                {
                    compared++;
                    string? problem = await CompareInstantAsync(http, engine, query, at);
                    if (problem is not null)
                    {
                        mismatches.Add($"instant {query} @ {at / 1000.0}: {problem}");
                    }
                }

                // 97 s steps never align (raw samples); 60 s and 300 s steps from a 5-minute-aligned start read rollups, so
                // they are run for the queries with a range function the rollups answer (the others read raw either way).
                bool rolls = RollupFunctions.Any(f => query.Contains(f + "(", StringComparison.Ordinal));
                foreach (long step in rolls ? new long[] { 97_000, 60_000, 300_000 } : [97_000])
                {
                    compared++;
                    long start = step == 97_000 ? T0 + 600_000 : AlignedStart;
                    string? range = await CompareRangeAsync(http, engine, query, start, T0 + 3_900_000, step);
                    if (range is not null)
                    {
                        mismatches.Add($"range {query} step {step / 1000}s: {range}");
                    }
                }
            }

            // Guard against a vacuous pass (e.g. both sides empty because the data did not load).
            Assert.True(answersWithSeries > compared * 3 / 4, $"only {answersWithSeries} of {compared} Prometheus answers had series");
            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} answers differ:\n" + string.Join("\n", mismatches.Take(40)));
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }

    /// <summary>Counters with resets, gauges with NaN and gaps, a histogram, at a 15 s interval with jitter, for 1 hour.</summary>
    private static string Generate(InMemoryMetricStore store)
    {
        var random = new Random(11);
        var text = new StringBuilder();
        void Series(string name, (string, string)[] labels, Func<int, double?> value)
        {
            var samples = new List<(long, double)>();
            string labelText = string.Join(",", labels.Select(l => $"{l.Item1}=\"{l.Item2}\""));
            for (int i = 0; i < 240; i++)
            {
                long t = T0 + (i * 15_000) + random.Next(0, 900);
                if (value(i) is not { } v)
                {
                    continue;
                }

                samples.Add((t, v));
                string vt = double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
                text.Append(name).Append(labels.Length > 0 ? "{" + labelText + "}" : string.Empty).Append(' ').Append(vt).Append(' ')
                    .Append((t / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)).Append('\n');
            }

            store.Add(OrgId, [new("__name__", name), .. labels.Select(l => new KeyValuePair<string, string>(l.Item1, l.Item2))], samples);
        }

        foreach (string service in new[] { "api", "web", "db" })
        {
            foreach (string code in new[] { "200", "500" })
            {
                double c = random.Next(0, 100);
                int resetAt = random.Next(50, 200);
                Series("http_requests_total", [("code", code), ("service", service)], i =>
                {
                    c = i == resetAt ? random.Next(0, 5) : c + random.Next(0, 20);
                    return c;
                });
            }

            Series("cpu_usage", [("service", service)], i => i % 97 == 13 ? double.NaN : Math.Round(random.NextDouble() * 100, 2));
            Series("queue_depth", [("service", service)], i => i is > 100 and < 140 ? null : random.Next(0, 50));
        }

        double[] bounds = [0.1, 0.5, 1, 5];
        var counts = new double[bounds.Length + 1];
        foreach (string service in new[] { "api", "web" })
        {
            for (int b = 0; b <= bounds.Length; b++)
            {
                int bucket = b;
                string le = bucket < bounds.Length ? bounds[bucket].ToString(CultureInfo.InvariantCulture) : "+Inf";
                var local = new double[241];
                double sum = 0;
                for (int i = 0; i < 241; i++)
                {
                    sum += random.Next(0, 10) * (bucket + 1);
                    local[i] = sum;
                }

                Series("latency_seconds_bucket", [("le", le), ("service", service)], i => local[i] + (bucket * 1000));
            }
        }

        // OpenMetrics wants one family's lines together; each series is already in time order.
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select((line, index) => (line, index))
            .OrderBy(x => x.line[..x.line.IndexOfAny(['{', ' '])], StringComparer.Ordinal)
            .ThenBy(x => x.index)
            .Select(x => x.line);
        return string.Join("\n", lines) + "\n# EOF\n";
    }

    private static IEnumerable<string> Queries()
    {
        string[] ranges = ["1m", "5m", "137s", "1h"];
        foreach (string r in ranges)
        {
            foreach (string f in new[] { "rate", "increase", "delta", "irate", "idelta", "resets", "changes", "deriv" })
            {
                yield return $"{f}(http_requests_total[{r}])";
            }

            foreach (string f in new[] { "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time", "stddev_over_time" })
            {
                yield return $"{f}(cpu_usage[{r}])";
                yield return $"{f}(queue_depth[{r}])";
            }
        }

        yield return "http_requests_total";
        yield return "queue_depth";
        yield return "cpu_usage offset 3m";
        yield return "http_requests_total @ 1700001000";
        yield return "quantile_over_time(0.9, cpu_usage[10m])";
        yield return "sum by (service) (rate(http_requests_total[5m]))";
        yield return "sum without (code) (increase(http_requests_total[5m]))";
        yield return "avg by (code) (http_requests_total)";
        yield return "max(cpu_usage)";
        yield return "min by (service) (cpu_usage)";
        yield return "count(queue_depth)";
        yield return "stddev(http_requests_total)";
        yield return "quantile(0.3, http_requests_total)";
        yield return "topk(2, http_requests_total)";
        yield return "bottomk(1, cpu_usage)";
        yield return "count_values(\"v\", queue_depth)";
        yield return "group by (service) (cpu_usage)";
        yield return "histogram_quantile(0.9, rate(latency_seconds_bucket[5m]))";
        yield return "histogram_quantile(0.5, sum by (le) (rate(latency_seconds_bucket[5m])))";
        yield return "rate(http_requests_total{code=\"500\"}[5m]) / ignoring(code) rate(http_requests_total{code=\"200\"}[5m])";
        yield return "http_requests_total / on(service) group_left cpu_usage";
        yield return "cpu_usage > 50";
        yield return "cpu_usage > bool 50";
        yield return "cpu_usage and queue_depth > 10";
        yield return "queue_depth or cpu_usage";
        yield return "http_requests_total unless on(service) queue_depth";
        yield return "-cpu_usage + 1";
        yield return "abs(ceil(cpu_usage - 50))";
        yield return "round(cpu_usage, 5)";
        yield return "clamp(cpu_usage, 20, 80)";
        yield return "timestamp(queue_depth)";
        yield return "time() - timestamp(cpu_usage)";
        yield return "scalar(sum(queue_depth)) * 2";
        yield return "absent(nonexistent{service=\"x\"})";
        yield return "absent_over_time(queue_depth[1m])";
        yield return "label_replace(cpu_usage, \"svc\", \"s-$1\", \"service\", \"(.)(.*)\")";
        yield return "label_join(cpu_usage, \"x\", \"-\", \"__name__\", \"service\")";
        yield return "max_over_time(rate(http_requests_total[1m])[10m:1m])";
        yield return "avg_over_time(cpu_usage[7m:45s])";
        yield return "sum_over_time(queue_depth[5m:30s] offset 2m)";
        yield return "sort_desc(cpu_usage)";
        yield return "vector(1) + on() group_left sum(queue_depth)";
    }

    private static async Task<JsonElement> PrometheusAsync(HttpClient http, string path, Dictionary<string, string> parameters)
    {
        var response = await http.PostAsync(path, new FormUrlEncodedContent(parameters));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private static async Task<string?> CompareInstantAsync(HttpClient http, PromQlEngine engine, string query, long at)
    {
        var expected = await PrometheusAsync(http, "/api/v1/query", new() { ["query"] = query, ["time"] = Seconds(at) });
        PromQlResult result;
        try
        {
            result = await engine.InstantAsync(OrgId, query, at, CancellationToken.None);
        }
        catch (Exception e) when (e is PromQlExecutionException or AegisGuard.Query.PromQl.Syntax.PromQlSyntaxException)
        {
            return expected.GetProperty("status").GetString() == "error" ? null : $"engine failed: {e.Message}";
        }

        if (expected.GetProperty("status").GetString() != "success")
        {
            return $"Prometheus failed ({expected.GetProperty("error").GetString()}), engine succeeded";
        }

        var data = expected.GetProperty("data");
        var want = data.GetProperty("resultType").GetString() switch
        {
            "vector" => data.GetProperty("result").EnumerateArray().Select(s => (Key(s.GetProperty("metric")), new[] { Point(s.GetProperty("value")) })).ToList(),
            "scalar" => [("{}", new[] { Point(data.GetProperty("result")) })],
            _ => data.GetProperty("result").EnumerateArray().Select(s => (Key(s.GetProperty("metric")), s.GetProperty("values").EnumerateArray().Select(Point).ToArray())).ToList(),
        };
        var got = result.Type switch
        {
            PromQlResultType.Vector => result.Vector.Select(s => (Key(s.Labels), new[] { (s.TimestampMs, s.Value) })).ToList(),
            PromQlResultType.Scalar => [("{}", new[] { (result.TimestampMs, result.Scalar) })],
            _ => result.Matrix.Select(s => (Key(s.Labels), s.TimestampsMs.Zip(s.Values).ToArray())).ToList(),
        };
        return Diff(want, got, ordered: query.StartsWith("sort", StringComparison.Ordinal));
    }

    private static async Task<string?> CompareRangeAsync(HttpClient http, PromQlEngine engine, string query, long start, long end, long step)
    {
        var expected = await PrometheusAsync(http, "/api/v1/query_range",
            new() { ["query"] = query, ["start"] = Seconds(start), ["end"] = Seconds(end), ["step"] = Seconds(step) });
        PromQlResult result;
        try
        {
            result = await engine.RangeAsync(OrgId, query, start, end, step, CancellationToken.None);
        }
        catch (Exception e) when (e is PromQlExecutionException or AegisGuard.Query.PromQl.Syntax.PromQlSyntaxException)
        {
            return expected.GetProperty("status").GetString() == "error" ? null : $"engine failed: {e.Message}";
        }

        if (expected.GetProperty("status").GetString() != "success")
        {
            return $"Prometheus failed ({expected.GetProperty("error").GetString()}), engine succeeded";
        }

        var want = expected.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(s => (Key(s.GetProperty("metric")), s.GetProperty("values").EnumerateArray().Select(Point).ToArray())).ToList();
        var got = result.Matrix.Select(s => (Key(s.Labels), s.TimestampsMs.Zip(s.Values).ToArray())).ToList();
        return Diff(want, got, ordered: false);
    }

    private static string? Diff(List<(string Key, (long T, double V)[] Points)> want, List<(string Key, (long T, double V)[] Points)> got, bool ordered)
    {
        if (!ordered)
        {
            want = [.. want.OrderBy(w => w.Key, StringComparer.Ordinal)];
            got = [.. got.OrderBy(g => g.Key, StringComparer.Ordinal)];
        }

        if (want.Count > 0)
        {
            Interlocked.Increment(ref answersWithSeries);
        }

        if (want.Count != got.Count)
        {
            return $"Prometheus has {want.Count} series [{string.Join(' ', want.Select(w => w.Key))}], engine {got.Count} [{string.Join(' ', got.Select(g => g.Key))}]";
        }

        for (int i = 0; i < want.Count; i++)
        {
            if (want[i].Key != got[i].Key)
            {
                return $"series {i}: Prometheus {want[i].Key}, engine {got[i].Key}";
            }

            var w = want[i].Points;
            var g = got[i].Points;
            if (w.Length != g.Length)
            {
                return $"{want[i].Key}: Prometheus {w.Length} points, engine {g.Length}";
            }

            for (int k = 0; k < w.Length; k++)
            {
                if (w[k].T != g[k].T || !Close(w[k].V, g[k].V))
                {
                    return $"{want[i].Key} point {k}: Prometheus {w[k].T}={w[k].V.ToString("R", CultureInfo.InvariantCulture)}, engine {g[k].T}={g[k].V.ToString("R", CultureInfo.InvariantCulture)}";
                }
            }
        }

        return null;
    }

    private static bool Close(double a, double b) =>
        (double.IsNaN(a) && double.IsNaN(b)) || a == b || Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b));

    private static (long T, double V) Point(JsonElement pair)
    {
        long t = (long)Math.Round(pair[0].GetDouble() * 1000);
        string v = pair[1].GetString()!;
        double value = v switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(v, CultureInfo.InvariantCulture),
        };
        return (t, value);
    }

    private static string Key(JsonElement metric) =>
        "{" + string.Join(",", metric.EnumerateObject().Select(p => (p.Name, p.Value.GetString())).OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}=\"{p.Item2}\"")) + "}";

    private static string Key(IReadOnlyList<AegisGuard.Storage.Metrics.MetricLabel> labels) =>
        "{" + string.Join(",", labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {output}");
    }
}

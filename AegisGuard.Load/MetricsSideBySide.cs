using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// <c>metrics-side-by-side</c> (issue #11): the same 1,000 series × 24 h at 15 s (<see cref="MetricDataset"/>) to AegisGuard
/// as signed <c>POST /v1/metrics</c> batches and to Prometheus 2.42 as OpenMetrics text backfilled with promtool, then the
/// same PromQL queries to both through their HTTP APIs, interleaved, printing p50/p95, the ratio AegisGuard ÷ Prometheus
/// and every answer that differs. scripts/bench-metrics.sh starts both servers and calls this twice: first with
/// <c>--write-openmetrics</c> (for promtool), then for the run, with the same <c>--end</c>.
/// </summary>
internal static class MetricsSideBySide
{
    public const string Name = "metrics-side-by-side";

    public const string Usage = """
        metrics-side-by-side --end <unix ms> --write-openmetrics <file> [--span 24h]
        metrics-side-by-side --end <unix ms> --url <aegis url> --key-json '{"id","secret"}' [--prometheus <http url>]
                             [--span 24h] [--senders 8] [--batch 5000] [--iterations 20] [--visible-timeout 20m]
          1,000 series × --span at 15 s ending at --end: written as OpenMetrics (for promtool tsdb create-blocks-from
          openmetrics), or sent to AegisGuard (accepted samples/s, time until queryable) and then queried on both
          (p50/p95 per query, ratio, answers compared to 1e-9 relative); without --prometheus: ingestion only
        """;

    private const double Tolerance = 1e-9;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = Parse(args);
        var watch = Stopwatch.StartNew();
        var dataset = new MetricDataset(options.EndMs, options.Span, TimeSpan.FromSeconds(15));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dataset: {dataset.SeriesCount:N0} series × {dataset.Steps:N0} samples = {dataset.SampleCount:N0} samples ({dataset.ItemCount:N0} wire items) " +
            $"over {Utc(dataset.FirstMs):u} … {Utc(dataset.EndMs):u}, generated in {watch.Elapsed.TotalSeconds:N1} s"));
        if (options.OpenMetricsFile is { } file)
        {
            watch.Restart();
            await using (var stream = File.Create(file))
            {
                dataset.WriteOpenMetrics(stream);
            }

            output.WriteLine($"openmetrics: {new FileInfo(file).Length / 1e6:N0} MB written to {file} in {watch.Elapsed.TotalSeconds:N1} s");
            return 0;
        }

        using var aegis = Client(options.Url!, options.Senders + 4);
        using var prometheus = options.Prometheus is null ? null : Client(options.Prometheus, 4);
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.KeyId}:{options.Secret}"));
        aegis.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);

        // Prometheus must hold every sample before anything is compared (a vacuous or partial load would hide mismatches).
        string countQuery = CountQuery(options.Span + TimeSpan.FromHours(1));
        string endText = Seconds(dataset.EndMs);
        if (prometheus is not null)
        {
            double promCount = await CountAsync(prometheus, countQuery, endText, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prometheus: {promCount:N0} samples stored (expected {dataset.SampleCount:N0})"));
            if (promCount != dataset.SampleCount)
            {
                throw new LoadAbortedException("Prometheus does not hold every generated sample; did promtool load the same --end?");
            }
        }

        watch.Restart();
        var bodies = dataset.CreateBodies(options.Batch, new HmacSigner(options.Secret));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bodies: {bodies.Count:N0} signed bodies of ≤ {options.Batch:N0} items ({bodies.Sum(b => (long)b.Content.Length) / 1e6:N0} MB JSON) built in {watch.Elapsed.TotalSeconds:N1} s"));

        // Ingestion: N senders, closed loop, each takes the next body; 429/503 are waited out (the wait counts).
        var acks = new double[bodies.Count];
        long next = -1;
        long retries = 0;
        long lastAck = 0;
        var sending = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(_ => Task.Run(async () =>
        {
            for (long index = Interlocked.Increment(ref next); index < bodies.Count; index = Interlocked.Increment(ref next))
            {
                long started = Stopwatch.GetTimestamp();
                Interlocked.Add(ref retries, await SendAsync(aegis, options.KeyId, bodies[(int)index], cancellationToken));
                acks[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                InterlockedMax(ref lastAck, Stopwatch.GetTimestamp());
            }
        }, cancellationToken)));
        double sendSeconds = sending.Elapsed.TotalSeconds;
        long items = bodies.Sum(b => (long)b.Items);
        long samples = bodies.Sum(b => (long)b.Samples);
        var sortedAcks = acks.Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: {options.Senders} senders × {options.Batch}-item bodies: {items / sendSeconds:N0} items/s = {samples / sendSeconds:N0} samples/s accepted (202, durable) " +
            $"in {sendSeconds:N1} s; ack p50 / p95 / p99 {P(sortedAcks, 50):N0} / {P(sortedAcks, 95):N0} / {P(sortedAcks, 99):N0} ms; {retries} retries after 429/503"));
        bodies.Clear();

        // End to end: the bodies went out in time order, so poll (cheaply) until the newest hour is complete, then count
        // every sample once to be sure nothing earlier is missing.
        long lastHourFrom = dataset.EndMs - 3_600_000;
        long lastHourExpected = dataset.SamplesBetween(lastHourFrom, dataset.EndMs);
        string lastHourQuery = CountQuery(TimeSpan.FromHours(1));
        double lastHour = 0;
        double visibleAfter = 0;
        double pollMs = 0;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(options.VisibleTimeout);
            try
            {
                while (true)
                {
                    long polled = Stopwatch.GetTimestamp();
                    lastHour = await CountAsync(aegis, lastHourQuery, endText, deadline.Token);
                    pollMs = Stopwatch.GetElapsedTime(polled).TotalMilliseconds;
                    if (lastHour >= lastHourExpected)
                    {
                        visibleAfter = Stopwatch.GetElapsedTime(Interlocked.Read(ref lastAck)).TotalSeconds;
                        break;
                    }

                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {lastHour:N0} of the last hour's {lastHourExpected:N0} samples queryable {Stopwatch.GetElapsedTime(Interlocked.Read(ref lastAck)).TotalSeconds:N0} s after the last 202 (count took {pollMs:N0} ms)"));
                    await Task.Delay(TimeSpan.FromSeconds(2), deadline.Token);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LoadAbortedException($"only {lastHour:N0} of the last hour's {lastHourExpected:N0} samples were queryable {options.VisibleTimeout} after the last 202");
            }
        }

        double total = sending.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"end to end: the newest hour complete {visibleAfter:N1} s after the last 202 (the poll's count took {pollMs:N0} ms); " +
            $"{samples / total:N0} samples/s from the first request to queryable"));
        long counting = Stopwatch.GetTimestamp();
        double aegisCount = await CountAsync(aegis, countQuery, endText, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(aegisCount == dataset.SampleCount ? "complete" : "MISMATCH")}: AegisGuard counts {aegisCount:N0} samples of the {dataset.SampleCount:N0} sent " +
            $"(the count over {options.Span.TotalHours:N0} h took {Stopwatch.GetElapsedTime(counting).TotalSeconds:N1} s)"));

        output.WriteLine($"load average after ingest: {LoadAverage()}");
        if (prometheus is null)
        {
            output.WriteLine("no --prometheus: ingestion only, no queries");
            return 0;
        }

        return await QueriesAsync(options, dataset, aegis, prometheus, output, cancellationToken);
    }

    private static async Task<int> QueriesAsync(MetricsSideBySideOptions options, MetricDataset dataset, HttpClient aegis, HttpClient prometheus,
        TextWriter output, CancellationToken cancellationToken)
    {
        const long Hour = 3_600_000;
        const long FiveMinutes = 300_000;
        long end1h = dataset.EndMs / 15_000 * 15_000;
        // Grafana aligns start and end to the step.
        long end24 = dataset.EndMs / FiveMinutes * FiveMinutes;
        long start24 = end24 - (long)options.Span.TotalMilliseconds;
        const string Rate = "sum by (service) (rate(http_requests_total[5m]))";
        const string Quantile = "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))";
        var queries = new (string Key, string Path, Dictionary<string, string> Form)[]
        {
            ("rate_1h_step15s", "api/v1/query_range", Range(Rate, end1h - Hour, end1h, "15")),
            ("rate_24h_step5m", "api/v1/query_range", Range(Rate, start24, end24, "300")),
            ("p99_24h_step5m", "api/v1/query_range", Range(Quantile, start24, end24, "300")),
            ("label_values_service", "api/v1/label/service/values", new() { ["start"] = Seconds(start24), ["end"] = Seconds(end24) }),
        };

        output.WriteLine();
        output.WriteLine($"queries: {options.Iterations} runs each after one warm-up, AegisGuard and Prometheus alternating (who goes first alternates); load average {LoadAverage()}");
        output.WriteLine();
        output.WriteLine("| query | AegisGuard p50 / p95 | Prometheus 2.42 p50 / p95 | AegisGuard ÷ Prometheus (p50 / p95) | answers |");
        output.WriteLine("|---|---|---|---|---|");
        int mismatching = 0;
        var problems = new List<string>();
        var runs = new List<string>();
        foreach (var query in queries)
        {
            var a = new List<double>();
            var p = new List<double>();
            int differing = 0;
            string shape = "";
            for (int i = -1; i < options.Iterations; i++)
            {
                bool aegisFirst = i % 2 == 0;
                (double Ms, string Body) ra, rp;
                if (aegisFirst)
                {
                    ra = await RequestAsync(aegis, query.Path, query.Form, cancellationToken);
                    rp = await RequestAsync(prometheus, query.Path, query.Form, cancellationToken);
                }
                else
                {
                    rp = await RequestAsync(prometheus, query.Path, query.Form, cancellationToken);
                    ra = await RequestAsync(aegis, query.Path, query.Form, cancellationToken);
                }

                if (i >= 0)
                {
                    a.Add(ra.Ms);
                    p.Add(rp.Ms);
                }

                var (problem, description) = Compare(rp.Body, ra.Body);
                shape = description;
                if (problem is not null)
                {
                    differing++;
                    if (problems.Count < 20)
                    {
                        problems.Add($"{query.Key} (run {i + 1}): {problem}");
                    }
                }
            }

            runs.Add(string.Create(CultureInfo.InvariantCulture,
                $"{query.Key}: AegisGuard {string.Join(" ", a.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))} | Prometheus {string.Join(" ", p.Select(ms => ms.ToString("F0", CultureInfo.InvariantCulture)))}"));
            a.Sort();
            p.Sort();
            if (differing > 0)
            {
                mismatching++;
            }

            string verdict = differing == 0 ? $"same ({shape})" : $"DIFFER in {differing} of {options.Iterations + 1} runs";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {query.Key} | {P(a, 50):N1} / {P(a, 95):N1} ms | {P(p, 50):N1} / {P(p, 95):N1} ms | {P(a, 50) / P(p, 50):N2} / {P(a, 95) / P(p, 95):N2} | {verdict} |"));
        }

        output.WriteLine();
        output.WriteLine("each run in order, ms (a slow run early says background work; a p95 of fewer than 20 runs is the slowest run):");
        foreach (string line in runs)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine();
        output.WriteLine($"load average after queries: {LoadAverage()}");
        foreach (string problem in problems)
        {
            output.WriteLine($"MISMATCH {problem}");
        }

        return mismatching == 0 ? 0 : 1;
    }

    /// <summary>Compares two Prometheus answers: the same series (label sets), the same timestamps, values within 1e-9 relative.</summary>
    internal static (string? Problem, string Description) Compare(string expectedBody, string actualBody)
    {
        using var expected = JsonDocument.Parse(expectedBody);
        using var actual = JsonDocument.Parse(actualBody);
        if (expected.RootElement.GetProperty("status").GetString() != "success")
        {
            return ($"Prometheus answered {expectedBody[..Math.Min(200, expectedBody.Length)]}", "");
        }

        if (actual.RootElement.GetProperty("status").GetString() != "success")
        {
            return ($"AegisGuard answered {actualBody[..Math.Min(200, actualBody.Length)]}", "");
        }

        var want = expected.RootElement.GetProperty("data");
        var got = actual.RootElement.GetProperty("data");
        if (want.ValueKind == JsonValueKind.Array)
        {
            string[] w = [.. want.EnumerateArray().Select(v => v.GetString()!)];
            string[] g = [.. got.EnumerateArray().Select(v => v.GetString()!)];
            return (w.SequenceEqual(g) ? null : $"Prometheus [{string.Join(", ", w)}], AegisGuard [{string.Join(", ", g)}]", $"{w.Length} values");
        }

        var ws = Matrix(want);
        var gs = Matrix(got);
        long points = ws.Sum(s => (long)s.Points.Length);
        string description = string.Create(CultureInfo.InvariantCulture, $"{ws.Count} series, {points:N0} points");
        if (ws.Count == 0)
        {
            return ("Prometheus returned no series: nothing to compare", description);
        }

        if (ws.Count != gs.Count)
        {
            string onlyPrometheus = string.Join(' ', ws.Select(s => s.Key).Except(gs.Select(s => s.Key)).Take(3));
            string onlyAegis = string.Join(' ', gs.Select(s => s.Key).Except(ws.Select(s => s.Key)).Take(3));
            return ($"Prometheus has {ws.Count} series, AegisGuard {gs.Count}: only in Prometheus {onlyPrometheus}, only in AegisGuard {onlyAegis}", description);
        }

        for (int i = 0; i < ws.Count; i++)
        {
            if (ws[i].Key != gs[i].Key)
            {
                return ($"series {i}: Prometheus {ws[i].Key}, AegisGuard {gs[i].Key}", description);
            }

            var wp = ws[i].Points;
            var gp = gs[i].Points;
            for (int k = 0; k < Math.Min(wp.Length, gp.Length); k++)
            {
                if (wp[k].T != gp[k].T || !Close(wp[k].V, gp[k].V))
                {
                    return (string.Create(CultureInfo.InvariantCulture,
                        $"{ws[i].Key} point {k}: Prometheus {wp[k].T}={wp[k].V:R}, AegisGuard {gp[k].T}={gp[k].V:R}"), description);
                }
            }

            if (wp.Length != gp.Length)
            {
                return ($"{ws[i].Key}: Prometheus {wp.Length} points, AegisGuard {gp.Length}", description);
            }
        }

        return (null, description);
    }

    private static bool Close(double a, double b) =>
        (double.IsNaN(a) && double.IsNaN(b)) || a == b || Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static List<(string Key, (long T, double V)[] Points)> Matrix(JsonElement data) =>
    [
        .. data.GetProperty("result").EnumerateArray()
            .Select(s => (Key(s.GetProperty("metric")), s.GetProperty("values").EnumerateArray().Select(Point).ToArray()))
            .OrderBy(s => s.Item1, StringComparer.Ordinal),
    ];

    private static string Key(JsonElement metric) =>
        "{" + string.Join(",", metric.EnumerateObject().Select(p => (p.Name, Value: p.Value.GetString())).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}=\"{p.Value}\"")) + "}";

    private static (long T, double V) Point(JsonElement pair)
    {
        long t = (long)Math.Round(pair[0].GetDouble() * 1000);
        double value = pair[1].GetString() switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            var text => double.Parse(text!, CultureInfo.InvariantCulture),
        };
        return (t, value);
    }

    /// <summary>Every sample of the data set, counted by PromQL over a window that covers the whole span.</summary>
    private static string CountQuery(TimeSpan window)
    {
        string range = $"{(long)window.TotalMinutes}m";
        string[] names = [MetricDataset.Counter, MetricDataset.Gauge, MetricDataset.Histogram + "_bucket", MetricDataset.Histogram + "_sum", MetricDataset.Histogram + "_count"];
        return string.Join(" + ", names.Select(n => $"sum(count_over_time({n}[{range}]))"));
    }

    private static async Task<double> CountAsync(HttpClient client, string query, string time, CancellationToken cancellationToken)
    {
        var (_, body) = await RequestAsync(client, "api/v1/query", new() { ["query"] = query, ["time"] = time }, cancellationToken);
        using var json = JsonDocument.Parse(body);
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? 0 : double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<(double Ms, string Body)> RequestAsync(HttpClient client, string path, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using var content = new FormUrlEncodedContent(form);
        // Queries go as form POSTs (Grafana's default); label values as GET, the only method Prometheus serves there.
        using var response = path.StartsWith("api/v1/label/", StringComparison.Ordinal)
            ? await client.GetAsync(new Uri($"{path}?{await content.ReadAsStringAsync(cancellationToken)}", UriKind.Relative), cancellationToken)
            : await client.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new LoadAbortedException($"{client.BaseAddress}{path} answered {(int)response.StatusCode}: {body[..Math.Min(400, body.Length)]}");
        }

        return (ms, body);
    }

    /// <summary>Sends one body until it is accepted; returns how many 429/503 answers it waited out.</summary>
    private static async Task<long> SendAsync(HttpClient aegis, string keyId, MetricBody body, CancellationToken cancellationToken)
    {
        for (long retries = 0; ; retries++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/metrics", UriKind.Relative)) { Content = new ByteArrayContent(body.Content) };
            request.Headers.TryAddWithoutValidation("x-org-key", keyId);
            request.Headers.TryAddWithoutValidation("x-signature", body.Signature);
            // The ingest API authenticates by signature; the Basic header meant for /api/v1 is not sent here.
            request.Headers.Authorization = null;
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await aegis.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return retries;
            }

            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                throw new LoadAbortedException($"POST /v1/metrics answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static Dictionary<string, string> Range(string query, long startMs, long endMs, string step) =>
        new() { ["query"] = query, ["start"] = Seconds(startMs), ["end"] = Seconds(endMs), ["step"] = step };

    private static HttpClient Client(Uri url, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
    }, disposeHandler: true)
    {
        BaseAddress = url,
        Timeout = TimeSpan.FromMinutes(5),
    };

    private static void InterlockedMax(ref long target, long value)
    {
        for (long seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static DateTime Utc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    private static string Seconds(long ms) => (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    private static double P(List<double> sorted, int percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static MetricsSideBySideOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new FormatException($"expected --name value at '{args[i]}'\n{Usage}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Need(string name) => values.TryGetValue(name, out var v) ? v : throw new FormatException($"--{name} is required\n{Usage}");
        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        TimeSpan Duration(string name, TimeSpan fallback) => !values.TryGetValue(name, out var v) ? fallback
            : LoadOptions.TryParseDuration(v, out var d) ? d : throw new FormatException($"--{name}: '{v}' is not a duration such as 24h");
        var options = new MetricsSideBySideOptions
        {
            EndMs = long.Parse(Need("end"), CultureInfo.InvariantCulture),
            OpenMetricsFile = values.GetValueOrDefault("write-openmetrics"),
            Span = Duration("span", TimeSpan.FromHours(24)),
            Senders = Int("senders", 8),
            Batch = Int("batch", 5000),
            Iterations = Int("iterations", 20),
            VisibleTimeout = Duration("visible-timeout", TimeSpan.FromMinutes(20)),
        };
        if (options.OpenMetricsFile is not null)
        {
            return options;
        }

        using var key = JsonDocument.Parse(Need("key-json"));
        return options with
        {
            Url = new Uri(Need("url").TrimEnd('/') + "/"),
            Prometheus = values.TryGetValue("prometheus", out var prometheus) ? new Uri(prometheus.TrimEnd('/') + "/") : null,
            KeyId = key.RootElement.GetProperty("id").GetString()!,
            Secret = key.RootElement.GetProperty("secret").GetString()!,
        };
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using DuckDB.NET.Data;

namespace AegisGuard.Load;

/// <summary>
/// Loads <c>--events</c> spans of realistic traces (<see cref="SpanGenerator"/>) over the past <c>--span</c> through the
/// signed <c>POST /v1/traces</c>, each batch covering the next slice of the span as if agents flushed in real time, then
/// waits until every trace is searchable (<c>GET /api/traces/durations</c> counts the summaries) and measures the read
/// paths: trace by id (sampled ids), search (a service filter and a status filter, newest first), and the service map
/// over the last hour and the whole span — p50/p95 of <c>--queries</c> runs each. Run with <c>--warmup 0</c>.
/// When <c>AEGIS_BENCH_DATA</c> names the server's data directory, every query is also run directly in DuckDB (in this
/// process) over the same span files, interleaved with the HTTP runs, and the ratio of the two medians is reported.
/// </summary>
internal sealed class TraceDatasetScenario : IScenario
{
    private const int QueryRuns = 40;
    private static readonly Uri TracesPath = new("v1/traces", UriKind.Relative);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly LoadOptions _options;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly SpanGenerator _generator;
    private readonly long _batches;
    private readonly ConcurrentBag<string> _samples = [];
    private readonly string? _directData = Environment.GetEnvironmentVariable("AEGIS_BENCH_DATA");
    private DateTime _first;
    private DateTime _end;
    private long _next;
    private long _traces;
    private long _baseline;
    private long _bodyBytes;
    private long _refused429;
    private long _refused503;
    private long _generateTicks;
    private string? _lastRefusal;
    private bool _measuring;

    public TraceDatasetScenario(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output)
    {
        _options = options;
        _client = client;
        _time = time;
        _output = output;
        int perBody = Math.Min(options.Batch, SpanGenerator.MaxSpansPerBody);
        _generator = new SpanGenerator(perBody, new HmacSigner(options.Secret));
        // Bodies hold whole traces, so they carry a little less than the maximum on average.
        _batches = Math.Max(1, (long)Math.Ceiling(options.Events / (perBody * 0.9)));
    }

    public string Name => ScenarioCatalog.TracesDataset;

    public bool IsFinished => !_measuring || Interlocked.Read(ref _next) >= _batches;

    public async Task PrepareAsync(ScenarioPhase phase, CancellationToken cancellationToken)
    {
        if (phase == ScenarioPhase.Measurement)
        {
            _end = _time.GetUtcNow().UtcDateTime;
            _first = _end - _options.Span;
            // Traces already stored in the range (a run adding to an earlier data set) are not waited for again.
            using var before = await GetAsync($"api/traces/durations?{Range(_first.AddMinutes(-1), _end.AddMinutes(1))}", cancellationToken);
            _baseline = before.RootElement.GetProperty("count").GetInt64();
            _measuring = true;
            _output.WriteLine($"traces-dataset: about {_options.Events:N0} spans in {_batches:N0} batches over {_first:u} … {_end:u} ({_baseline:N0} traces stored before)");
        }
    }

    public async ValueTask<StepOutcome> ExecuteAsync(int sender, CancellationToken cancellationToken)
    {
        long index = Interlocked.Increment(ref _next) - 1;
        if (index >= _batches)
        {
            return StepOutcome.Accepted(0);
        }

        var slice = _options.Span / _batches;
        // The run's start second in the seed: a second run into the same data directory sends new trace ids.
        int seed = unchecked((int)((index * 7919) + (_first.Ticks / TimeSpan.TicksPerSecond)));
        long generating = Stopwatch.GetTimestamp();
        var (body, traces, sample) = _generator.Create(seed, _first + (slice * index), slice);
        Interlocked.Add(ref _generateTicks, Stopwatch.GetTimestamp() - generating);
        Interlocked.Add(ref _bodyBytes, body.JsonBytes);
        if (index % Math.Max(1, _batches / 200) == 0)
        {
            _samples.Add(sample);
        }

        var outcome = await SendUntilAcceptedAsync(body, cancellationToken);
        Interlocked.Add(ref _traces, traces);
        return outcome;
    }

    public async Task<ScenarioFinish> FinishAsync(MeasurementSummary measurement, CancellationToken cancellationToken)
    {
        long expected = Interlocked.Read(ref _traces) + _baseline;
        string range = Range(_first.AddMinutes(-1), _end.AddMinutes(1));
        long sent = Interlocked.Read(ref _next);
        _output.WriteLine(
            $"traces-dataset: {measurement.EventsAccepted:N0} spans in {Math.Min(sent, _batches):N0} bodies, " +
            $"{Interlocked.Read(ref _bodyBytes) / Math.Max(1, Math.Min(sent, _batches)):N0} bytes a body on average; " +
            $"refused and retried: {Interlocked.Read(ref _refused429):N0} × 429, {Interlocked.Read(ref _refused503):N0} × 503; " +
            $"generating took {Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _generateTicks)).TotalSeconds:N1} s of sender time");
        if (_lastRefusal is not null)
        {
            _output.WriteLine($"traces-dataset: the last refusal said: {_lastRefusal}");
        }

        _output.WriteLine($"traces-dataset: waiting until {expected:N0} traces are searchable");
        using var deadline = new CancellationTokenSource(_options.EndToEndTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (true)
            {
                using var durations = await GetAsync($"api/traces/durations?{range}", linked.Token);
                long count = durations.RootElement.GetProperty("count").GetInt64();
                if (count >= expected)
                {
                    break;
                }

                _output.WriteLine($"  {count:N0} of {expected:N0} traces searchable");
                await Task.Delay(PollInterval, _time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ScenarioFinish([], $"not every trace was searchable after {LoadOptions.FormatDuration(_options.EndToEndTimeout)}");
        }

        var total = _time.GetElapsedTime(measurement.StartTimestamp);
        var samples = _samples.ToArray();
        string lastHour = Range(_end.AddHours(-1), _end.AddMinutes(1));
        var figures = new List<ReportFigure>
        {
            new("dataset_spans", "spans accepted", measurement.EventsAccepted, Format: "N0"),
            new("dataset_traces", "traces", expected, Format: "N0"),
            new("searchable_after_s", "start → every trace searchable", total.TotalSeconds, Unit: " s", Format: "N1"),
        };
        using var duck = _directData is null ? null : OpenDirect();
        string lastHourFrom = Literal(_end.AddHours(-1)), spanFrom = Literal(_first.AddMinutes(-1)), to = Literal(_end.AddMinutes(1));
        figures.AddRange(await TimeAsync("trace_by_id", i => $"api/traces/{samples[i % samples.Length]}", duck,
            i => $"SELECT * FROM read_parquet(@files@) WHERE org_id = 1 AND trace_id = '{samples[i % samples.Length]}' ORDER BY start_ts", cancellationToken));
        figures.AddRange(await TimeAsync("search_service", _ => $"api/traces?{range}&service=payments&limit=20", duck, _ => $"""
            SELECT trace_id, min(start_ts) AS s, count(*) FROM read_parquet(@files@) WHERE org_id = 1 AND start_ts >= {spanFrom} AND start_ts < {to}
            GROUP BY trace_id HAVING bool_or(service = 'payments') ORDER BY s DESC LIMIT 20
            """, cancellationToken));
        figures.AddRange(await TimeAsync("search_errors_duration", _ => $"api/traces?{range}&status=error&sort=duration&limit=20", duck, _ => $"""
            SELECT trace_id, max(end_ts) - min(start_ts) AS d FROM read_parquet(@files@) WHERE org_id = 1 AND start_ts >= {spanFrom} AND start_ts < {to}
            GROUP BY trace_id HAVING bool_or(status = 'error') ORDER BY d DESC LIMIT 20
            """, cancellationToken));
        figures.AddRange(await TimeAsync("map_1h", _ => $"api/services/map?{lastHour}", duck, _ => MapSql(lastHourFrom, to), cancellationToken, runs: 10));
        figures.AddRange(await TimeAsync("map_span", _ => $"api/services/map?{range}", duck, _ => MapSql(spanFrom, to), cancellationToken, runs: 5));
        return new ScenarioFinish(figures, null);
    }

    private static string Range(DateTime from, DateTime to) =>
        $"from={Uri.EscapeDataString(from.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))}";

    // The store's two map statements (node figures, then the edge self-join with 5 minutes of parents before the range).
    private static string MapSql(string from, string to) => $"""
        WITH s AS (SELECT * FROM read_parquet(@files@) WHERE org_id = 1 AND start_ts >= {from} - INTERVAL 5 MINUTE AND start_ts < {to})
        SELECT service, count(*), count(*) FILTER (WHERE status = 'error'), quantile_cont(duration_us, [0.5, 0.95, 0.99])
        FROM s WHERE start_ts >= {from} GROUP BY service
        ;;
        WITH s AS (SELECT trace_id, span_id, parent_span_id, service, name, status, duration_us, start_ts FROM read_parquet(@files@)
                   WHERE org_id = 1 AND start_ts >= {from} - INTERVAL 5 MINUTE AND start_ts < {to}),
        p AS (SELECT DISTINCT trace_id, span_id, service, name FROM s)
        SELECT p.service, c.service, count(*), count(*) FILTER (WHERE c.status = 'error'), quantile_cont(c.duration_us, [0.5, 0.95, 0.99])
        FROM s c JOIN p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
        WHERE c.start_ts >= {from} AND p.service <> c.service GROUP BY 1, 2
        """;

    private static string Literal(DateTime value) => $"TIMESTAMP '{value.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";

    private static DuckDBConnection OpenDirect()
    {
        var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var settings = duck.CreateCommand();
        // The same footer cache the server's engine uses, so the comparison is of query work, not of footer parsing.
        settings.CommandText = "SET GLOBAL parquet_metadata_cache = true";
        settings.ExecuteNonQuery();
        return duck;
    }

    private async Task<IEnumerable<ReportFigure>> TimeAsync(
        string name, Func<int, string> path, DuckDBConnection? duck, Func<int, string> directSql, CancellationToken cancellationToken, int runs = QueryRuns)
    {
        var times = new List<double>(runs);
        var direct = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            // Interleaved (HTTP, DuckDB, HTTP, …) so both see the same machine.
            long started = Stopwatch.GetTimestamp();
            using (await GetAsync(path(i), cancellationToken))
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if (duck is not null)
            {
                direct.Add(RunDirect(duck, directSql(i)));
            }
        }

        var (p50, p95) = Percentiles(times);
        var figures = new List<ReportFigure>
        {
            new($"{name}_p50_ms", $"{name} p50", p50, Unit: " ms", Format: "N1"),
            new($"{name}_p95_ms", $"{name} p95", p95, Unit: " ms", Format: "N1"),
        };
        if (direct.Count == 0)
        {
            _output.WriteLine($"  {name}: p50 {p50:N1} ms, p95 {p95:N1} ms over {runs} runs");
            return figures;
        }

        var (d50, d95) = Percentiles(direct);
        _output.WriteLine($"  {name}: p50 {p50:N1} ms, p95 {p95:N1} ms; DuckDB direct p50 {d50:N1} ms, p95 {d95:N1} ms; ratio {p50 / d50:N2} over {runs} runs");
        figures.Add(new($"{name}_duckdb_p50_ms", $"{name} DuckDB direct p50", d50, Unit: " ms", Format: "N1"));
        figures.Add(new($"{name}_duckdb_p95_ms", $"{name} DuckDB direct p95", d95, Unit: " ms", Format: "N1"));
        figures.Add(new($"{name}_ratio", $"{name} AegisGuard p50 ÷ DuckDB p50", p50 / d50, Format: "N2"));
        return figures;
    }

    private static (double P50, double P95) Percentiles(List<double> times)
    {
        times.Sort();
        double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return (P(0.5), P(0.95));
    }

    private double RunDirect(DuckDBConnection duck, string sql)
    {
        string files = "'" + Path.Combine(_directData!, "telemetry", "traces", "org=1", "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal) + "'";
        long started = Stopwatch.GetTimestamp();
        foreach (string statement in sql.Split(";;", StringSplitOptions.TrimEntries))
        {
            using var command = duck.CreateCommand();
            command.CommandText = statement.Replace("@files@", files, StringComparison.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private async Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{_options.KeyId}.{_options.Secret}");
        using var response = await _client.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new LoadAbortedException($"GET /{path} answered {(int)response.StatusCode} (does the key have the read scope?): {body}");
        }

        return JsonDocument.Parse(body);
    }

    private async Task<StepOutcome> SendUntilAcceptedAsync(SignedBody body, CancellationToken cancellationToken)
    {
        // A data set must arrive whole: 429/503 are waited out and retried (the wait counts in the latency).
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TracesPath) { Content = new ReadOnlyMemoryContent(body.Content) };
            request.Headers.TryAddWithoutValidation("x-org-key", _options.KeyId);
            request.Headers.TryAddWithoutValidation("x-signature", body.Signature);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return StepOutcome.Accepted(body.Events);
            }

            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                throw new LoadAbortedException($"POST /v1/traces answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            _lastRefusal = await response.Content.ReadAsStringAsync(cancellationToken);
            Interlocked.Increment(ref response.StatusCode == HttpStatusCode.TooManyRequests ? ref _refused429 : ref _refused503);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250), _time, cancellationToken);
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Query latency of LogQL-lite over the last <c>--span</c> (default 24 h, the range <c>logs-dataset</c> fills): the
/// four benchmark queries of issue #4 run in turn through <c>GET /api/logs/query</c>, <c>--iterations</c> times each
/// in the measured phase (warm-up rounds are discarded), and the report gives p50/p95/max per query, what each
/// returned and scanned, and the bytes per stored log (<c>GET /api/logs/stats</c>). Run with <c>--senders 1</c> for
/// latency without queueing; more senders measure latency under concurrent queries.
/// </summary>
internal sealed class LogQueryScenario : IScenario
{
    /// <summary>The four queries; p95 goals 300 ms for the first three and 1 s for the metric query.</summary>
    internal static readonly (string Key, string Label, string Query, string Extra, double GoalMs)[] Queries =
    [
        ("selector", "selector + range", "{service=\"checkout\"}", "&limit=100", 300),
        ("line_filter", "selector + line filter", "{service=\"api\"} |= \"timeout\"", "&limit=100", 300),
        ("json_status", "| json | status >= 500", "{service=\"api\"} | json | status >= 500", "&limit=100", 300),
        ("sum_by_service", "sum by (service) count_over_time [1m]", "sum by (service) (count_over_time({}[1m]))", "&step=60", 1000),
    ];

    private readonly LoadOptions _options;
    private readonly (string Key, string Label, string Query, string Extra, double GoalMs)[] _queries;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly TextWriter _output;
    private readonly Lock _gate = new();
    private LatencyRecorder[] _latency = [];
    private QueryTotals[] _totals = [];
    private long _next;
    private long _limit;

    public LogQueryScenario(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output)
    {
        _options = options;
        _client = client;
        _time = time;
        _output = output;
        // --query replaces the four: e.g. to compare one query's cost before and after a change on the same data.
        _queries = options.Queries.Count == 0
            ? Queries
            : options.Queries.Select((q, i) => ($"query{i + 1}", q, q, "&limit=100", 300d)).ToArray();
    }

    public string Name => ScenarioCatalog.LogsQuery;

    public bool IsFinished => Interlocked.Read(ref _next) >= _limit;

    public Task PrepareAsync(ScenarioPhase phase, CancellationToken cancellationToken)
    {
        _latency = _queries.Select(_ => new LatencyRecorder()).ToArray();
        _totals = new QueryTotals[_queries.Length];
        // Warm-up runs each query a few times (page cache, DuckDB metadata); measurement runs --iterations rounds.
        _limit = (phase == ScenarioPhase.Warmup ? 3 : _options.Iterations) * (long)_queries.Length;
        Interlocked.Exchange(ref _next, 0);
        return Task.CompletedTask;
    }

    public async ValueTask<StepOutcome> ExecuteAsync(int sender, CancellationToken cancellationToken)
    {
        long turn = Interlocked.Increment(ref _next) - 1;
        if (turn >= _limit)
        {
            return StepOutcome.Accepted(0);
        }

        int q = (int)(turn % _queries.Length);
        var now = _time.GetUtcNow().UtcDateTime;
        string path = $"api/logs/query?query={Uri.EscapeDataString(_queries[q].Query)}&from={Iso(now - _options.Span)}&to={Iso(now)}{_queries[q].Extra}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{_options.KeyId}.{_options.Secret}");
        long begin = _time.GetTimestamp();
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = _time.GetElapsedTime(begin);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return StepOutcome.Failed(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), TimeSpan.Zero);
        }

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        long results = root.TryGetProperty("logs", out var logs) ? logs.GetArrayLength() : root.GetProperty("series").GetArrayLength();
        var stats = root.GetProperty("stats");
        lock (_gate)
        {
            _latency[q].Record(elapsed);
            _totals[q] = new QueryTotals(
                _totals[q].Runs + 1,
                results,
                _totals[q].RowsScanned + stats.GetProperty("rows_scanned").GetInt64(),
                _totals[q].ServerMs + stats.GetProperty("elapsed_ms").GetDouble());
        }

        return StepOutcome.Accepted(0);
    }

    public async Task<ScenarioFinish> FinishAsync(MeasurementSummary measurement, CancellationToken cancellationToken)
    {
        var figures = new List<ReportFigure>();
        var missed = new List<string>();
        for (int q = 0; q < _queries.Length; q++)
        {
            var (key, label, query, _, goal) = _queries[q];
            var latency = LatencyRecorder.Summarize([_latency[q]]);
            var totals = _totals[q];
            figures.Add(new ReportFigure($"{key}_query", $"{label}", Text: query));
            figures.Add(new ReportFigure($"{key}_p50_ms", "  p50", latency.P50Ms, Unit: " ms"));
            figures.Add(new ReportFigure($"{key}_p95_ms", "  p95", latency.P95Ms, Unit: $" ms (goal < {goal:0} ms)"));
            figures.Add(new ReportFigure($"{key}_max_ms", "  max", latency.MaxMs, Unit: " ms"));
            figures.Add(new ReportFigure($"{key}_runs", "  runs", totals.Runs, Format: "N0"));
            figures.Add(new ReportFigure($"{key}_results", "  lines or series returned", totals.Results, Format: "N0"));
            figures.Add(new ReportFigure($"{key}_rows_scanned", "  rows in files opened (mean)", totals.Runs == 0 ? null : totals.RowsScanned / (double)totals.Runs, Format: "N0"));
            figures.Add(new ReportFigure($"{key}_server_ms", "  server elapsed_ms (mean)", totals.Runs == 0 ? null : totals.ServerMs / totals.Runs, Unit: " ms"));
            if (latency.Count == 0 || latency.P95Ms >= goal)
            {
                missed.Add($"{key} p95 {latency.P95Ms:0} ms ≥ {goal:0} ms");
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/logs/stats", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{_options.KeyId}.{_options.Secret}");
        using var response = await _client.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            using var stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            figures.Add(new ReportFigure("stored_rows", "org lines stored", stats.RootElement.GetProperty("rows").GetInt64(), Format: "N0"));
            figures.Add(new ReportFigure("stored_files", "org Parquet files", stats.RootElement.GetProperty("files").GetInt64(), Format: "N0"));
            figures.Add(new ReportFigure("bytes_per_log", "bytes per stored log", stats.RootElement.GetProperty("bytes_per_log").GetDouble(), Unit: " B"));
        }

        figures.Add(new ReportFigure("goals", "p95 goals", Text: missed.Count == 0 ? "all met" : "missed: " + string.Join("; ", missed)));
        _output.WriteLine($"logs-query: {_options.Iterations} measured runs of each of {_queries.Length} queries over the last {LoadOptions.FormatDuration(_options.Span)}");
        return new ScenarioFinish(figures, null);
    }

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    private readonly record struct QueryTotals(long Runs, long Results, long RowsScanned, double ServerMs);
}

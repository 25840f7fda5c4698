using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;
using static AegisGuard.Tests.Query.Traces.TraceBatches;

namespace AegisGuard.Tests.Query.Traces;

/// <summary>
/// The traces API over spans sent through the signed POST /v1/traces: exact search results, tree shapes, map edges and
/// percentiles, a trace split over batches and midnight, isolation between orgs on every endpoint, and bad input.
/// </summary>
public sealed class TracesApiTests : IClassFixture<TracesApiTests.KnownTraces>
{
    private const string TraceA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string TraceB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string TraceC = "cccccccccccccccccccccccccccccccc";
    private const string TraceD = "dddddddddddddddddddddddddddddddd";
    private static readonly string[] PercentileNames = ["p50", "p75", "p90", "p95", "p99"];
    private readonly KnownTraces data;

    public TracesApiTests(KnownTraces data) => this.data = data;

    /// <summary>
    /// Org traces-a: trace A (api → cart → db, the db call failed), B (api with an internal child), C (a cart span whose
    /// parent never came) two hours ago; and D around the last midnight in four batches: a child first, then the root,
    /// then the child again (a retried export) with a grandchild after midnight that ends after its parent (clock skew),
    /// and an orphan. Org traces-b: one trace under A's id, service "other".
    /// </summary>
    public sealed class KnownTraces : IAsyncLifetime, IDisposable
    {
        public AegisAppFactory Factory { get; } = new();

        public SignedClient A { get; private set; } = null!;

        public SignedClient B { get; private set; } = null!;

        public DateTime T0 { get; } = DateTime.UtcNow.AddHours(-2).Date.AddHours(DateTime.UtcNow.AddHours(-2).Hour);

        public DateTime Midnight { get; } = DateTime.UtcNow.Date;

        public async Task InitializeAsync()
        {
            A = new SignedClient(Factory.CreateClient(), Factory.CreateKey("traces-a").Key);
            B = new SignedClient(Factory.CreateClient(), Factory.CreateKey("traces-b").Key);
            await SendAsync(A,
                Span(TraceA, "a000000000000001", null, "api", "GET /checkout", "server", T0, 100, attributes: new() { ["http.status_code"] = 200 }),
                Span(TraceA, "a000000000000002", "a000000000000001", "cart", "AddItem", "server", T0.AddMilliseconds(10), 30),
                Span(TraceA, "a000000000000003", "a000000000000002", "db", "SELECT", "client", T0.AddMilliseconds(15), 20, "error", new() { ["db.system"] = "postgres" }),
                Span(TraceB, "b000000000000001", null, "api", "GET /home", "server", T0.AddSeconds(1), 50),
                Span(TraceB, "b000000000000002", "b000000000000001", "api", "render", "internal", T0.AddSeconds(1).AddMilliseconds(10), 20));
            await SendAsync(A, Span(TraceC, "c000000000000001", "ffffffffffffffff", "cart", "AddItem", "server", T0.AddSeconds(2), 40));
            await SendAsync(B, Span(TraceA, "a000000000000009", null, "other", "secret", "server", T0, 5));

            var evening = Midnight.AddMilliseconds(-100);
            var child = Span(TraceD, "d000000000000002", "d000000000000001", "cart", "AddItem", "server", evening.AddMilliseconds(20), 60);
            await SendAsync(A, child);
            await SendAsync(A, Span(TraceD, "d000000000000001", null, "api", "POST /order", "server", evening, 200));
            await SendAsync(A, child, Span(TraceD, "d000000000000003", "d000000000000002", "db", "INSERT", "client", evening.AddMilliseconds(150), 120, "error"));
            await SendAsync(A, Span(TraceD, "d000000000000004", "d0000000000000ff", "queue", "publish", "producer", evening.AddMilliseconds(5), 1));

            await Poll.UntilAsync(() => OkAsync(A, $"/api/traces?{Range()}"), b => b.GetProperty("traces").GetArrayLength() == 3, what: "traces A, B, C");
            await Poll.UntilAsync(() => OkAsync(A, $"/api/traces?{MidnightRange()}"), b => b.GetProperty("traces").EnumerateArray().Any(t => t.GetProperty("spanCount").GetInt32() == 4), what: "trace D complete");
            await Poll.UntilAsync(() => OkAsync(B, $"/api/traces?{Range()}"), b => b.GetProperty("traces").GetArrayLength() == 1, what: "org B's trace");
        }

        public string Range() => $"from={Time(T0.AddMinutes(-1))}&to={Time(T0.AddMinutes(1))}";

        public string MidnightRange() => $"from={Time(Midnight.AddMinutes(-1))}&to={Time(Midnight.AddMinutes(1))}";

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Factory.Dispose();
    }

    [Fact]
    public async Task Search_returns_summaries_newest_first_with_every_field()
    {
        var body = await OkAsync(data.A, $"/api/traces?{data.Range()}");

        var traces = body.GetProperty("traces").EnumerateArray().ToList();
        Assert.Equal([TraceC, TraceB, TraceA], traces.Select(t => t.GetProperty("traceId").GetString()));
        var a = traces[2];
        Assert.Equal("api", a.GetProperty("rootService").GetString());
        Assert.Equal("GET /checkout", a.GetProperty("rootOperation").GetString());
        Assert.Equal(data.T0, a.GetProperty("start").GetDateTime().ToUniversalTime());
        Assert.Equal(100.0, a.GetProperty("durationMs").GetDouble());
        Assert.Equal(3, a.GetProperty("spanCount").GetInt32());
        Assert.Equal(["api", "cart", "db"], a.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, a.GetProperty("errorCount").GetInt32());
        Assert.False(a.GetProperty("rootMissing").GetBoolean());
        Assert.True(traces[0].GetProperty("rootMissing").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextCursor").ValueKind);
        Assert.Empty(body.GetProperty("warnings").EnumerateArray());
    }

    [Theory]
    [InlineData("service=db", "a")]
    [InlineData("service=api", "b,a")]
    [InlineData("operation=AddItem", "c,a")]
    [InlineData("service=cart&operation=AddItem", "c,a")]
    [InlineData("status=error", "a")]
    [InlineData("status=ok", "c,b")]
    [InlineData("minDurationMs=45", "b,a")]
    [InlineData("maxDurationMs=45", "c")]
    [InlineData("minDurationMs=50&maxDurationMs=50.000", "b")]
    [InlineData("attr=db.system=postgres", "a")]
    [InlineData("attr=http.status_code=200&attr=db.system=postgres", "a")]
    [InlineData("attr=http.status_code=500", "")]
    [InlineData("traceId=BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "b")]
    [InlineData("sort=duration", "a,b,c")]
    public async Task Search_filters_and_sorts(string query, string expected)
    {
        var body = await OkAsync(data.A, $"/api/traces?{data.Range()}&{query}");

        Assert.Equal(expected, string.Join(",", body.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()![..1])));
    }

    [Fact]
    public async Task Search_pages_with_an_opaque_cursor()
    {
        var first = await OkAsync(data.A, $"/api/traces?{data.Range()}&limit=2");
        string cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await OkAsync(data.A, $"/api/traces?{data.Range()}&limit=2&cursor={Uri.EscapeDataString(cursor)}");

        Assert.Equal([TraceC, TraceB], first.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()));
        Assert.Equal([TraceA], second.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_trace_is_a_tree_in_display_order_with_depth_offsets_and_the_critical_path()
    {
        var trace = await OkAsync(data.A, $"/api/traces/{TraceA.ToUpperInvariant()}");

        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(["a000000000000001", "a000000000000002", "a000000000000003"], spans.Select(s => s.GetProperty("spanId").GetString()));
        Assert.Equal([0, 1, 2], spans.Select(s => s.GetProperty("depth").GetInt32()));
        Assert.Equal([1, 1, 0], spans.Select(s => s.GetProperty("childCount").GetInt32()));
        Assert.Equal([0.0, 10, 15], spans.Select(s => s.GetProperty("offsetMs").GetDouble()));
        Assert.Equal([true, true, true], spans.Select(s => s.GetProperty("criticalPath").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, spans[0].GetProperty("parentSpanId").ValueKind);
        Assert.Equal("postgres", spans[2].GetProperty("attributes").GetProperty("db.system").GetString());
        Assert.Equal(("error", "client", 20.0), (spans[2].GetProperty("status").GetString(), spans[2].GetProperty("kind").GetString(), spans[2].GetProperty("durationMs").GetDouble()));
        Assert.Equal((3, 1, 100.0, false), (trace.GetProperty("spanCount").GetInt32(), trace.GetProperty("errorCount").GetInt32(),
            trace.GetProperty("durationMs").GetDouble(), trace.GetProperty("truncated").GetBoolean()));
        Assert.Equal(["api:1:0", "cart:1:0", "db:1:1"], trace.GetProperty("services").EnumerateArray()
            .Select(s => $"{s.GetProperty("name").GetString()}:{s.GetProperty("spanCount").GetInt32()}:{s.GetProperty("errorCount").GetInt32()}"));
    }

    [Fact]
    public async Task A_trace_sent_in_four_batches_across_midnight_is_whole_with_duplicates_skew_and_orphans_flagged()
    {
        var trace = await OkAsync(data.A, $"/api/traces/{TraceD}");
        var summary = (await OkAsync(data.A, $"/api/traces?{data.MidnightRange()}")).GetProperty("traces").EnumerateArray().Single();

        var spans = trace.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(["d000000000000001", "d000000000000002", "d000000000000003", "d000000000000004"], spans.Select(s => s.GetProperty("spanId").GetString()));
        Assert.Equal([0, 1, 2, 0], spans.Select(s => s.GetProperty("depth").GetInt32()));
        Assert.Equal([false, false, false, true], spans.Select(s => s.GetProperty("orphan").GetBoolean()));
        Assert.Equal([0, 1, 0, 0], spans.Select(s => s.GetProperty("duplicateCount").GetInt32()));
        // d3 ends at +270 ms, after its parent d2 (+20..+80 ms).
        Assert.Equal([false, false, true, false], spans.Select(s => s.GetProperty("outsideParent").GetBoolean()));
        Assert.True(spans[2].GetProperty("start").GetDateTime().ToUniversalTime() >= data.Midnight);
        Assert.Equal((4, 270.0), (trace.GetProperty("spanCount").GetInt32(), trace.GetProperty("durationMs").GetDouble()));
        Assert.Equal(TraceD, summary.GetProperty("traceId").GetString());
        Assert.Equal(("api", "POST /order", 4, 1, 270.0, false), (summary.GetProperty("rootService").GetString(), summary.GetProperty("rootOperation").GetString(),
            summary.GetProperty("spanCount").GetInt32(), summary.GetProperty("errorCount").GetInt32(), summary.GetProperty("durationMs").GetDouble(),
            summary.GetProperty("rootMissing").GetBoolean()));
    }

    [Fact]
    public async Task Services_and_operations_have_request_rates_error_rates_and_percentiles()
    {
        var services = (await OkAsync(data.A, $"/api/services?{data.Range()}")).GetProperty("services").EnumerateArray().ToList();
        var ops = await OkAsync(data.A, $"/api/services/api/operations?{data.Range()}");

        Assert.Equal(["api", "cart", "db"], services.Select(s => s.GetProperty("name").GetString()));
        var api = services[0];
        Assert.Equal((3L, 2 / 120.0, 0.0, 75.0, 97.5, 99.5, 3), (api.GetProperty("spanCount").GetInt64(), api.GetProperty("requestRate").GetDouble(),
            api.GetProperty("errorRate").GetDouble(), api.GetProperty("p50Ms").GetDouble(), api.GetProperty("p95Ms").GetDouble(), api.GetProperty("p99Ms").GetDouble(),
            api.GetProperty("operations").GetInt32()));
        Assert.Equal((1.0, 20.0), (services[2].GetProperty("errorRate").GetDouble(), services[2].GetProperty("p50Ms").GetDouble()));
        Assert.Equal("api", ops.GetProperty("service").GetString());
        Assert.Equal(["GET /checkout", "GET /home", "render"], ops.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task The_service_map_has_an_edge_for_each_parent_child_pair_crossing_services()
    {
        var map = await OkAsync(data.A, $"/api/services/map?{data.Range()}");
        var edge = await OkAsync(data.A, $"/api/services/map/edge?caller=cart&callee=db&{data.Range()}");

        Assert.Equal(["api", "cart", "db"], map.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("service").GetString()));
        Assert.Equal(["api>cart:1:0:30", "cart>db:1:1:20"], map.GetProperty("edges").EnumerateArray().Select(e =>
            $"{e.GetProperty("caller").GetString()}>{e.GetProperty("callee").GetString()}:{e.GetProperty("callCount").GetInt64()}:" +
            $"{e.GetProperty("errorRate").GetDouble()}:{e.GetProperty("p50Ms").GetDouble()}"));
        Assert.Equal(1 / 120.0, map.GetProperty("edges")[0].GetProperty("ratePerSecond").GetDouble());
        Assert.Equal(("raw", 0.0), (map.GetProperty("source").GetString(), map.GetProperty("percentileError").GetDouble()));
        var op = Assert.Single(edge.GetProperty("operations").EnumerateArray());
        Assert.Equal(("AddItem", "SELECT", 1L, 1L, 20.0), (op.GetProperty("callerOperation").GetString(), op.GetProperty("calleeOperation").GetString(),
            op.GetProperty("callCount").GetInt64(), op.GetProperty("errorCount").GetInt64(), op.GetProperty("p95Ms").GetDouble()));
        Assert.Equal([TraceA], edge.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task Durations_have_percentiles_over_traces_or_spans_and_a_log_spaced_histogram()
    {
        var traces = await OkAsync(data.A, $"/api/traces/durations?{data.Range()}&buckets=10");
        var cart = await OkAsync(data.A, $"/api/traces/durations?{data.Range()}&service=cart");

        Assert.Equal(3, traces.GetProperty("count").GetInt64());
        var p = traces.GetProperty("percentiles");
        Assert.Equal([50.0, 75, 90, 95, 99], PercentileNames.Select(n => p.GetProperty(n).GetDouble()));
        var histogram = traces.GetProperty("histogram").EnumerateArray().ToList();
        Assert.Equal(10, histogram.Count);
        Assert.Equal((40.0, 100.0, 3L), (histogram[0].GetProperty("lowerMs").GetDouble(), Math.Round(histogram[^1].GetProperty("upperMs").GetDouble(), 9),
            histogram.Sum(b => b.GetProperty("count").GetInt64())));
        // Log spacing: each bucket is the same ratio wider than the last.
        Assert.Equal(histogram[1].GetProperty("upperMs").GetDouble() / histogram[1].GetProperty("lowerMs").GetDouble(),
            histogram[5].GetProperty("upperMs").GetDouble() / histogram[5].GetProperty("lowerMs").GetDouble(), 9);
        Assert.Equal((2L, 35.0), (cart.GetProperty("count").GetInt64(), cart.GetProperty("percentiles").GetProperty("p50").GetDouble()));
        Assert.Equal(40, cart.GetProperty("histogram").GetArrayLength());
    }

    [Fact]
    public async Task Red_series_has_a_point_for_every_step()
    {
        string range = $"from={Time(data.T0)}&to={Time(data.T0.AddSeconds(3))}";
        var red = await OkAsync(data.A, $"/api/services/api/red?{range}&step=1");

        long t0 = new DateTimeOffset(data.T0).ToUnixTimeMilliseconds();
        Assert.Equal(1000, red.GetProperty("stepMs").GetInt64());
        Assert.Equal(("raw", 0.0), (red.GetProperty("source").GetString(), red.GetProperty("percentileError").GetDouble()));
        Assert.Equal([$"{t0}:1", $"{t0 + 1000}:1", $"{t0 + 2000}:0"], red.GetProperty("rate").EnumerateArray().Select(pt => $"{pt[0].GetInt64()}:{pt[1].GetDouble()}"));
        Assert.Equal([0.0, 0, 0], red.GetProperty("errors").EnumerateArray().Select(pt => pt[1].GetDouble()));
        Assert.Equal(["100", "50", "null"], red.GetProperty("p50").EnumerateArray().Select(pt => pt[1].ValueKind == JsonValueKind.Null ? "null" : pt[1].GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var defaults = await OkAsync(data.A, $"/api/services/api/red?{data.Range()}");
        Assert.Equal(1000, defaults.GetProperty("stepMs").GetInt64());
        Assert.Equal(120, defaults.GetProperty("rate").GetArrayLength());
    }

    [Fact]
    public async Task A_trace_of_another_org_is_not_found()
    {
        var (status, body, type) = await GetAsync(data.B, $"/api/traces/{TraceB}");
        var own = await OkAsync(data.B, $"/api/traces/{TraceA}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.Equal(["other"], own.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("service").GetString()));
    }

    [Fact]
    public async Task Every_endpoint_answers_only_from_the_callers_org()
    {
        string r = data.Range();
        var search = await OkAsync(data.B, $"/api/traces?{r}&service=api");
        var attr = await OkAsync(data.B, $"/api/traces?{r}&attr=db.system=postgres");
        var services = await OkAsync(data.B, $"/api/services?{r}");
        var ops = await OkAsync(data.B, $"/api/services/api/operations?{r}");
        var map = await OkAsync(data.B, $"/api/services/map?{r}");
        var edge = await OkAsync(data.B, $"/api/services/map/edge?caller=api&callee=cart&{r}");
        var durations = await OkAsync(data.B, $"/api/traces/durations?{r}");
        var spanDurations = await OkAsync(data.B, $"/api/traces/durations?{r}&service=api");
        var red = await OkAsync(data.B, $"/api/services/api/red?{r}");

        Assert.Empty(search.GetProperty("traces").EnumerateArray());
        Assert.Empty(attr.GetProperty("traces").EnumerateArray());
        Assert.Equal(["other"], services.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Empty(ops.GetProperty("operations").EnumerateArray());
        Assert.Equal(["other"], map.GetProperty("nodes").EnumerateArray().Select(s => s.GetProperty("service").GetString()));
        Assert.Empty(map.GetProperty("edges").EnumerateArray());
        Assert.Empty(edge.GetProperty("operations").EnumerateArray());
        Assert.Empty(edge.GetProperty("traces").EnumerateArray());
        Assert.Equal(1, durations.GetProperty("count").GetInt64());
        Assert.Equal(0, spanDurations.GetProperty("count").GetInt64());
        Assert.All(red.GetProperty("rate").EnumerateArray(), pt => Assert.Equal(0, pt[1].GetDouble()));
    }

    [Theory]
    [InlineData("/api/traces/not-hex-at-all-xx", "traceId")]
    [InlineData("/api/traces/abc", "traceId")]
    [InlineData("/api/traces?traceId=123", "traceId")]
    [InlineData("/api/traces?limit=0", "limit")]
    [InlineData("/api/traces?limit=501", "limit")]
    [InlineData("/api/traces?status=broken", "status")]
    [InlineData("/api/traces?sort=name", "sort")]
    [InlineData("/api/traces?minDurationMs=-1", "minDurationMs")]
    [InlineData("/api/traces?maxDurationMs=soon", "maxDurationMs")]
    [InlineData("/api/traces?minDurationMs=10&maxDurationMs=5", "minDurationMs")]
    [InlineData("/api/traces?attr=novalue", "attr")]
    [InlineData("/api/traces?attr==x", "attr")]
    [InlineData("/api/traces?cursor=garbage!", "cursor")]
    [InlineData("/api/traces?from=yesterday", "from")]
    [InlineData("/api/traces?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("/api/services?to=later", "to")]
    [InlineData("/api/services/api/operations?from=x", "from")]
    [InlineData("/api/services/map?from=x", "from")]
    [InlineData("/api/services/map/edge?callee=db", "caller")]
    [InlineData("/api/services/map/edge?caller=api", "callee")]
    [InlineData("/api/traces/durations?buckets=0", "buckets")]
    [InlineData("/api/traces/durations?buckets=201", "buckets")]
    [InlineData("/api/services/api/red?step=0", "step")]
    [InlineData("/api/services/api/red?step=abc", "step")]
    [InlineData("/api/services/api/red?step=1&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", "step")]
    public async Task Bad_input_is_a_400_problem_naming_the_parameter(string path, string field)
    {
        var (status, body, type) = await GetAsync(data.A, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task A_cursor_of_another_sort_is_refused()
    {
        var first = await OkAsync(data.A, $"/api/traces?{data.Range()}&limit=1");

        var (status, body, _) = await GetAsync(data.A, $"/api/traces?{data.Range()}&limit=1&sort=duration&cursor={first.GetProperty("nextCursor").GetString()}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Theory]
    [InlineData("/api/traces")]
    [InlineData("/api/traces/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("/api/services")]
    [InlineData("/api/services/map")]
    [InlineData("/api/traces/durations")]
    [InlineData("/api/services/api/red")]
    public async Task Reads_without_credentials_are_refused(string path)
    {
        using var client = data.Factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

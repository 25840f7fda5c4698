using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// The behaviour every <see cref="ISpanStore"/> must show. A store's test class derives from this, says how a batch of
/// spans is written (and made visible), and runs the same facts. The data set: trace A (api → cart → db, db failed),
/// trace B (api only, with an internal child), trace C (a lone cart span whose parent never arrived), and org 2's own
/// trace under A's id.
/// </summary>
public abstract class SpanStoreContract : IDisposable
{
    protected const int Org = 1;
    protected const int OtherOrg = 2;
    protected const string TraceA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    protected const string TraceB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    protected const string TraceC = "cccccccccccccccccccccccccccccccc";
    protected const string TraceD = "dddddddddddddddddddddddddddddddd";
    protected static readonly DateTime T0 = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

    private static readonly string[] PercentileNames = ["p50", "p75", "p90", "p95", "p99"];

    protected abstract ISpanStore Store { get; }

    /// <summary>Writes one batch (one ingest record) of spans of <paramref name="orgId"/>; afterwards search sees it.</summary>
    protected abstract Task WriteAsync(int orgId, IReadOnlyList<SpanRecord> spans);

    public abstract void Dispose();

    protected static SpanRecord Span(
        string trace, string id, string? parent, string service, string name, string kind, DateTime start, double ms, string status = "ok", string attributes = "{}") => new()
    {
        TraceId = trace,
        SpanId = id,
        ParentSpanId = parent,
        Service = service,
        Name = name,
        Kind = kind,
        Start = start,
        End = start.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond)),
        DurationMicros = (long)(ms * 1000),
        Status = status,
        AttributesJson = attributes,
    };

    protected async Task WriteDataSetAsync()
    {
        await WriteAsync(Org,
        [
            Span(TraceA, "a000000000000001", null, "api", "GET /checkout", "server", T0, 100, attributes: """{"http.status_code":200}"""),
            Span(TraceA, "a000000000000002", "a000000000000001", "cart", "AddItem", "server", T0.AddMilliseconds(10), 30),
            Span(TraceA, "a000000000000003", "a000000000000002", "db", "SELECT", "client", T0.AddMilliseconds(15), 20, "error", """{"db.system":"postgres"}"""),
            Span(TraceB, "b000000000000001", null, "api", "GET /home", "server", T0.AddSeconds(1), 50),
            Span(TraceB, "b000000000000002", "b000000000000001", "api", "render", "internal", T0.AddSeconds(1).AddMilliseconds(10), 20),
        ]);
        await WriteAsync(Org, [Span(TraceC, "c000000000000001", "ffffffffffffffff", "cart", "AddItem", "server", T0.AddSeconds(2), 40)]);
        await WriteAsync(OtherOrg, [Span(TraceA, "a000000000000009", null, "other", "secret", "server", T0, 5)]);
    }

    private static TraceSearchRequest Search(int org = Org) => new() { OrgId = org, From = T0.AddMinutes(-1), To = T0.AddMinutes(1), Limit = 50 };

    private static SpanStatsRequest Range(string? service = null, string? operation = null) =>
        new() { OrgId = Org, From = T0.AddMinutes(-1), To = T0.AddMinutes(1), Service = service, Operation = operation };

    private async Task<List<string>> IdsAsync(TraceSearchRequest request) =>
        (await Store.SearchAsync(request, CancellationToken.None)).Traces.Select(t => t.TraceId[..1]).ToList();

    [Fact]
    public async Task Trace_by_id_returns_every_span_of_the_trace_in_the_callers_org_only()
    {
        await WriteDataSetAsync();

        var a = await Store.GetTraceAsync(Org, TraceA, 100, CancellationToken.None);
        var other = await Store.GetTraceAsync(OtherOrg, TraceA.ToUpperInvariant(), 100, CancellationToken.None);

        Assert.NotNull(a);
        Assert.Equal(["a000000000000001", "a000000000000002", "a000000000000003"], a.Spans.Select(s => s.SpanId));
        Assert.False(a.Truncated);
        Assert.Equal("""{"db.system":"postgres"}""", a.Spans[2].AttributesJson);
        Assert.Equal("error", a.Spans[2].Status);
        Assert.Equal(["other"], other!.Spans.Select(s => s.Service));
    }

    [Fact]
    public async Task A_trace_the_org_does_not_have_is_null()
    {
        await WriteDataSetAsync();

        Assert.Null(await Store.GetTraceAsync(OtherOrg, TraceB, 100, CancellationToken.None));
        Assert.Null(await Store.GetTraceAsync(Org, "0123456789abcdef0123456789abcdef", 100, CancellationToken.None));
    }

    [Fact]
    public async Task A_trace_larger_than_the_limit_is_truncated_to_its_earliest_spans()
    {
        await WriteDataSetAsync();

        var a = await Store.GetTraceAsync(Org, TraceA, 2, CancellationToken.None);

        Assert.True(a!.Truncated);
        Assert.Equal(["a000000000000001", "a000000000000002"], a.Spans.Select(s => s.SpanId));
    }

    [Fact]
    public async Task Summaries_show_root_services_duration_span_and_error_counts()
    {
        await WriteDataSetAsync();

        var page = await Store.SearchAsync(Search(), CancellationToken.None);

        Assert.Equal([TraceC, TraceB, TraceA], page.Traces.Select(t => t.TraceId));
        var a = page.Traces[2];
        Assert.Equal(("api", "GET /checkout", T0, 100_000L, 3, 1, false), (a.RootService, a.RootOperation, a.Start, a.DurationMicros, a.SpanCount, a.ErrorCount, a.RootMissing));
        Assert.Equal(["api", "cart", "db"], a.Services);
        var c = page.Traces[0];
        Assert.Equal(("cart", "AddItem", 1, true), (c.RootService, c.RootOperation, c.SpanCount, c.RootMissing));
        Assert.Null(page.Next);
        Assert.Equal(["a"], (await Store.SearchAsync(Search(OtherOrg), CancellationToken.None)).Traces.Select(t => t.TraceId[..1]));
        Assert.Equal(["other"], (await Store.SearchAsync(Search(OtherOrg), CancellationToken.None)).Traces[0].Services);
    }

    [Fact]
    public async Task Search_filters_by_service_operation_status_duration_attributes_and_trace_id()
    {
        await WriteDataSetAsync();

        Assert.Equal(["a"], await IdsAsync(Search() with { Service = "db" }));
        Assert.Equal(["b", "a"], await IdsAsync(Search() with { Service = "api" }));
        Assert.Equal(["c", "a"], await IdsAsync(Search() with { Operation = "AddItem" }));
        Assert.Equal(["c", "a"], await IdsAsync(Search() with { Service = "cart", Operation = "AddItem" }));
        Assert.Empty(await IdsAsync(Search() with { Service = "api", Operation = "AddItem" }));
        Assert.Equal(["a"], await IdsAsync(Search() with { Status = TraceStatusFilter.Error }));
        Assert.Equal(["c", "b"], await IdsAsync(Search() with { Status = TraceStatusFilter.Ok }));
        Assert.Equal(["b", "a"], await IdsAsync(Search() with { MinDurationMicros = 45_000 }));
        Assert.Equal(["c"], await IdsAsync(Search() with { MaxDurationMicros = 45_000 }));
        Assert.Equal(["b"], await IdsAsync(Search() with { MinDurationMicros = 50_000, MaxDurationMicros = 50_000 }));
        Assert.Equal(["a"], await IdsAsync(Search() with { Attributes = [new("db.system", "postgres")] }));
        Assert.Equal(["a"], await IdsAsync(Search() with { Attributes = [new("http.status_code", "200"), new("db.system", "postgres")] }));
        Assert.Empty(await IdsAsync(Search() with { Attributes = [new("http.status_code", "500")] }));
        Assert.Empty(await IdsAsync(Search(OtherOrg) with { Attributes = [new("db.system", "postgres")] }));
        Assert.Equal(["b"], await IdsAsync(Search() with { TraceId = TraceB.ToUpperInvariant() }));
        Assert.Empty(await IdsAsync(Search() with { From = T0.AddSeconds(3) }));
        Assert.Equal(["a"], await IdsAsync(Search() with { To = T0.AddSeconds(1) }));
    }

    [Fact]
    public async Task Search_sorts_by_duration_and_pages_with_a_cursor()
    {
        await WriteDataSetAsync();

        Assert.Equal(["a", "b", "c"], await IdsAsync(Search() with { Sort = TraceSort.Duration }));
        var first = await Store.SearchAsync(Search() with { Limit = 2 }, CancellationToken.None);
        var second = await Store.SearchAsync(Search() with { Limit = 2, After = first.Next }, CancellationToken.None);
        Assert.Equal([TraceC, TraceB], first.Traces.Select(t => t.TraceId));
        Assert.Equal([TraceA], second.Traces.Select(t => t.TraceId));
        Assert.Null(second.Next);
        var byDuration = await Store.SearchAsync(Search() with { Sort = TraceSort.Duration, Limit = 1 }, CancellationToken.None);
        var next = await Store.SearchAsync(Search() with { Sort = TraceSort.Duration, Limit = 1, After = byDuration.Next }, CancellationToken.None);
        Assert.Equal([TraceA], byDuration.Traces.Select(t => t.TraceId));
        Assert.Equal([TraceB], next.Traces.Select(t => t.TraceId));
    }

    [Fact]
    public async Task A_trace_sent_in_several_batches_out_of_order_across_midnight_is_one_summary()
    {
        var evening = new DateTime(2026, 11, 20, 23, 59, 59, 900, DateTimeKind.Utc);
        var child = Span(TraceD, "d000000000000002", "d000000000000001", "cart", "AddItem", "server", evening.AddMilliseconds(20), 60);
        await WriteAsync(Org, [child]);
        var before = await Store.SearchAsync(Search() with { From = evening.AddMinutes(-1), To = evening.AddMinutes(1) }, CancellationToken.None);
        await WriteAsync(Org, [Span(TraceD, "d000000000000001", null, "api", "POST /order", "server", evening, 200)]);
        // The same span again (a retried export) and a grandchild that starts after midnight.
        await WriteAsync(Org, [child, Span(TraceD, "d000000000000003", "d000000000000002", "db", "INSERT", "client", evening.AddMilliseconds(150), 120, "error")]);

        var after = await Store.SearchAsync(Search() with { From = evening.AddMinutes(-1), To = evening.AddMinutes(1) }, CancellationToken.None);
        var trace = await Store.GetTraceAsync(Org, TraceD, 100, CancellationToken.None);

        Assert.Equal(("cart", true, 1), (before.Traces.Single().RootService, before.Traces.Single().RootMissing, before.Traces.Single().SpanCount));
        var d = Assert.Single(after.Traces);
        Assert.Equal(("api", "POST /order", false, 3, 1), (d.RootService, d.RootOperation, d.RootMissing, d.SpanCount, d.ErrorCount));
        Assert.Equal((evening, 270_000L), (d.Start, d.DurationMicros));
        Assert.Equal(["api", "cart", "db"], d.Services);
        Assert.Equal(["d000000000000001", "d000000000000002", "d000000000000002", "d000000000000003"], trace!.Spans.Select(s => s.SpanId));
        Assert.Equal(["d"], await IdsAsync(Search() with { From = evening.AddMinutes(-1), To = evening.AddMinutes(1), Service = "db" }));
    }

    [Fact]
    public async Task Services_have_request_counts_error_rates_and_percentiles_of_their_entry_spans()
    {
        await WriteDataSetAsync();

        var stats = (await Store.StatsAsync(Range(), CancellationToken.None)).Groups;

        Assert.Equal(["api", "cart", "db"], stats.Select(s => s.Name));
        var api = stats[0];
        Assert.Equal((3L, 2L, 0.0, 75_000.0, 97_500.0, 99_500.0, 3), (api.SpanCount, api.RequestCount, api.ErrorRate, api.P50Micros, api.P95Micros, api.P99Micros, api.Operations));
        Assert.Equal((2L, 2L, 35_000.0, 1), (stats[1].SpanCount, stats[1].RequestCount, stats[1].P50Micros, stats[1].Operations));
        // db has no entry span: its figures are over all its spans.
        Assert.Equal((1L, 0L, 1.0, 20_000.0), (stats[2].SpanCount, stats[2].RequestCount, stats[2].ErrorRate, stats[2].P50Micros));
    }

    [Fact]
    public async Task Operations_of_a_service_are_grouped_by_span_name()
    {
        await WriteDataSetAsync();

        var ops = (await Store.StatsAsync(Range("api"), CancellationToken.None)).Groups;

        Assert.Equal(["GET /checkout", "GET /home", "render"], ops.Select(o => o.Name));
        Assert.Equal((1L, 1L, 100_000.0), (ops[0].SpanCount, ops[0].RequestCount, ops[0].P50Micros));
        Assert.Equal((1L, 0L, 20_000.0), (ops[2].SpanCount, ops[2].RequestCount, ops[2].P50Micros));
    }

    [Fact]
    public async Task Edges_join_child_spans_to_parents_of_another_service()
    {
        await WriteDataSetAsync();

        var edges = (await Store.EdgesAsync(Range(), CancellationToken.None)).Edges;

        Assert.Equal([("api", "cart", 1L, 0L, 30_000.0), ("cart", "db", 1L, 1L, 20_000.0)],
            edges.Select(e => (e.Caller, e.Callee, e.CallCount, e.ErrorCount, e.P50Micros)));
        var edge = await Store.EdgeAsync(Range(), "api", "cart", 20, CancellationToken.None);
        Assert.Equal([new EdgeOperationStats("GET /checkout", "AddItem", 1, 0, 30_000)], edge.Operations);
        Assert.Equal([TraceA], edge.Traces.Select(t => t.TraceId));
        Assert.Empty((await Store.EdgesAsync(Range() with { OrgId = OtherOrg }, CancellationToken.None)).Edges);
    }

    [Fact]
    public async Task Duration_percentiles_are_over_traces_or_over_the_spans_of_a_service()
    {
        await WriteDataSetAsync();

        var traces = await Store.DurationsAsync(Range(), 10, CancellationToken.None);
        var api = await Store.DurationsAsync(Range("api"), 10, CancellationToken.None);

        Assert.Equal(3, traces.Count);
        Assert.Equal([50_000, 75_000, 90_000, 95_000, 99_000], PercentileNames.Select(p => traces.Percentiles[p]));
        Assert.Equal(3, traces.Histogram.Sum(b => b.Count));
        Assert.Equal((40_000.0, 100_000.0), (traces.Histogram[0].LowerMicros, traces.Histogram[^1].UpperMicros));
        Assert.Equal(10, traces.Histogram.Count);
        Assert.Equal((1L, 1L), (traces.Histogram[0].Count, traces.Histogram[^1].Count));
        Assert.Equal(3, api.Count);
        Assert.Equal(50_000, api.Percentiles["p50"]);
    }

    [Fact]
    public async Task Red_series_has_every_step_with_zero_requests_and_no_latency_where_there_were_none()
    {
        await WriteDataSetAsync();

        var red = await Store.RedAsync(Range("api") with { From = T0, To = T0.AddSeconds(3) }, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2)], red.Points.Select(p => p.Start));
        Assert.Equal([1L, 1L, 0L], red.Points.Select(p => p.Requests));
        Assert.Equal([100_000.0, 50_000.0, null], red.Points.Select(p => p.P50Micros));
        var db = await Store.RedAsync(Range("db") with { From = T0, To = T0.AddSeconds(1) }, TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal((1L, 1L), (db.Points[0].Requests, db.Points[0].Errors));
    }
    [Fact]
    public async Task A_spans_events_links_and_resource_come_back_with_the_trace_and_spans_without_them_have_none()
    {
        const string events = """[{"time":"2026-11-20T10:00:00.0050000Z","name":"cache miss","attributes":{"key":"cart:7"}}]""";
        const string links = """[{"trace_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","span_id":"b000000000000001","attributes":{"kind":"follows"}}]""";
        const string resource = """{"service.version":"1.4.2","host.name":"web-1"}""";
        var plain = Span(TraceA, "a000000000000002", "a000000000000001", "cart", "AddItem", "server", T0.AddMilliseconds(10), 30);
        await WriteAsync(Org,
        [
            new SpanRecord
            {
                TraceId = TraceA, SpanId = "a000000000000001", Service = "api", Name = "GET /checkout", Kind = "server", Start = T0, End = T0.AddMilliseconds(100),
                DurationMicros = 100_000, Status = "ok", AttributesJson = "{}", EventsJson = events, LinksJson = links, ResourceJson = resource,
            },
            plain,
        ]);

        var trace = await Store.GetTraceAsync(Org, TraceA, 100, CancellationToken.None);

        Assert.Equal((events, links, resource), (trace!.Spans[0].EventsJson, trace.Spans[0].LinksJson, trace.Spans[0].ResourceJson));
        Assert.Equal(((string?)null, (string?)null, (string?)null), (trace.Spans[1].EventsJson, trace.Spans[1].LinksJson, trace.Spans[1].ResourceJson));
    }
    [Fact]
    public async Task Aggregates_count_a_span_sent_twice_once()
    {
        await WriteDataSetAsync();
        // A retried export: trace A's api and db spans again, and trace B's root a third time, in later batches.
        var again = new[]
        {
            Span(TraceA, "a000000000000001", null, "api", "GET /checkout", "server", T0, 100, attributes: """{"http.status_code":200}"""),
            Span(TraceA, "a000000000000003", "a000000000000002", "db", "SELECT", "client", T0.AddMilliseconds(15), 20, "error", """{"db.system":"postgres"}"""),
            Span(TraceB, "b000000000000001", null, "api", "GET /home", "server", T0.AddSeconds(1), 50),
        };
        await WriteAsync(Org, again);
        await WriteAsync(Org, [again[2]]);

        var stats = (await Store.StatsAsync(Range(), CancellationToken.None)).Groups;
        var ops = (await Store.StatsAsync(Range("api"), CancellationToken.None)).Groups;
        var edges = (await Store.EdgesAsync(Range(), CancellationToken.None)).Edges;
        var edge = await Store.EdgeAsync(Range(), "cart", "db", 20, CancellationToken.None);
        var api = await Store.DurationsAsync(Range("api"), 10, CancellationToken.None);
        var red = await Store.RedAsync(Range("api") with { From = T0, To = T0.AddSeconds(3) }, TimeSpan.FromSeconds(1), CancellationToken.None);

        // The same figures as without the copies (see the facts above).
        Assert.Equal(["api", "cart", "db"], stats.Select(s => s.Name));
        Assert.Equal((3L, 2L, 0.0, 75_000.0), (stats[0].SpanCount, stats[0].RequestCount, stats[0].ErrorRate, stats[0].P50Micros));
        Assert.Equal((1L, 0L, 1.0), (stats[2].SpanCount, stats[2].RequestCount, stats[2].ErrorRate));
        Assert.Equal([1L, 1L, 1L], ops.Select(o => o.SpanCount));
        Assert.Equal([("api", "cart", 1L, 0L), ("cart", "db", 1L, 1L)], edges.Select(e => (e.Caller, e.Callee, e.CallCount, e.ErrorCount)));
        Assert.Equal([new EdgeOperationStats("AddItem", "SELECT", 1, 1, 20_000)], edge.Operations);
        Assert.Equal((3L, 50_000.0), (api.Count, api.Percentiles["p50"]));
        Assert.Equal([1L, 1L, 0L], red.Points.Select(p => p.Requests));
        Assert.Equal([0L, 0L, 0L], red.Points.Select(p => p.Errors));
    }
}

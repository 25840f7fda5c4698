using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The trace pages (/traces, /traces/{id}, /services/map) in Chromium against the real executable and its traces API:
/// what a person does there — search, the latency chart, the waterfall, the span panel, the trace's logs, the service
/// map — with the known checkout trace (web → api → db, one failed span) and its two log lines sent over signed HTTP;
/// a 5,000-span trace for the virtualised waterfall; and the empty state of an org without spans.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class TracesPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Checkout = TracesBrowserSupport.CheckoutTraceId;

    private const string LargeTraceId = "5b000000000000000000000000005000";

    private readonly List<string> apiRequests = [];

    private BrowserSession Session { get; set; } = null!;

    private TracesBrowserSupport Data { get; set; } = null!;

    private IPage Page => Session.Page;

    private ILocator Rows => Page.Locator("#wf-viewport .wf-row");

    public async Task InitializeAsync()
    {
        Session = await BrowserSession.StartAsync(browser);
        Data = await TracesBrowserSupport.CreateAsync(Session);
        Session.Page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
            {
                lock (apiRequests)
                {
                    apiRequests.Add(url.PathAndQuery);
                }
            }
        };
    }

    public async Task DisposeAsync()
    {
        Data.Dispose();
        await Session.DisposeAsync();
    }

    /// <summary>Sends the checkout trace and its logs and waits until search and the trace view have them.</summary>
    private async Task SendCheckoutAsync()
    {
        await Data.SendSpansAsync(Data.CheckoutSpans());
        await Data.SendCheckoutLogsAsync();
        await Data.WaitForTraceAsync(TracesBrowserSupport.CheckoutTraceId, 5);
        await Data.WaitForSearchAsync(TracesBrowserSupport.CheckoutTraceId);
    }

    [Fact]
    public Task Search_finds_the_sent_trace_with_its_root_services_and_duration() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync("/traces");

        await Expect(page).ToHaveTitleAsync("Traces · AegisGuard");
        await Expect(page.Locator("[data-nav='/traces']")).ToHaveAttributeAsync("aria-current", "page");
        var row = page.Locator($"#traces-list .trace-row[data-trace-id='{Checkout}']");
        await Expect(row.Locator(".trace-root")).ToHaveTextAsync("web: GET /checkout");
        await Expect(row.Locator(".trace-duration")).ToHaveTextAsync("200ms");
        await Expect(row.Locator(".trace-spans")).ToHaveTextAsync("5 spans");
        await Expect(row.Locator(".trace-errors")).ToHaveTextAsync("2 errors");
        var badges = await row.Locator(".trace-services .svc-badge").AllTextContentsAsync();
        Assert.Equal(["api", "db", "web"], badges.Order(StringComparer.Ordinal));
        await Expect(page.Locator("#traces-summary")).ToHaveTextAsync("1 trace");

        // The services table has the three services with their RED figures and a drawn sparkline.
        var services = page.Locator("#traces-services-table tbody tr");
        await Expect(services).ToHaveCountAsync(3);
        await Expect(page.Locator("#traces-services-table tr[data-service='api'] [data-figure='errors']")).ToHaveTextAsync("100 %");
        await Expect(page.Locator("#traces-services-table tr[data-service='web'] [data-figure='errors']")).ToHaveTextAsync("0 %");
        await Expect(page.Locator("#traces-services-table tr[data-service='web'] [data-figure='p50']")).ToHaveTextAsync("200ms");
        await Expect(page.Locator("#traces-services-table tr[data-service='web'] .sparkline path.sparkline-line")).ToHaveCountAsync(1);

        // The link opens the waterfall.
        await row.Locator("a.trace-link").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/traces/{Checkout}$"));
        await Expect(Rows).ToHaveCountAsync(5);
        Session.AssertNoProblems();
    });

    [Fact]
    public Task A_click_on_a_latency_bucket_searches_that_duration_range() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync("/traces");
        await Expect(page.Locator("#traces-latency-summary")).ToHaveTextAsync("1 trace");
        await Expect(page.Locator("#traces-percentiles [data-percentile='p50'] dd")).ToHaveTextAsync("200ms");

        var bucket = page.Locator("#traces-histogram .lat-bucket:not([data-count='0'])");
        await Expect(bucket).ToHaveCountAsync(1);
        double lower = double.Parse((await bucket.GetAttributeAsync("data-lower"))!, System.Globalization.CultureInfo.InvariantCulture);
        double upper = double.Parse((await bucket.GetAttributeAsync("data-upper"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(200, lower, upper);
        await bucket.ClickAsync();

        await Expect(page.Locator("#traces-histogram .lat-bucket.is-selected")).ToHaveCountAsync(1);
        await Poll.UntilAsync(() => Task.FromResult(page.Url), url => url.Contains("min=", StringComparison.Ordinal) && url.Contains("max=", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "min and max in the URL");
        await Expect(page.Locator($"#traces-list .trace-row[data-trace-id='{Checkout}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#traces-min")).Not.ToHaveValueAsync("");

        // The search asked for exactly the bucket's edges.
        string search;
        lock (apiRequests)
        {
            search = apiRequests.Last(r => r.StartsWith("/api/traces?", StringComparison.Ordinal));
        }

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + search).Query);
        Assert.Equal(lower, double.Parse(query["minDurationMs"]!, System.Globalization.CultureInfo.InvariantCulture), 9);
        Assert.Equal(upper, double.Parse(query["maxDurationMs"]!, System.Globalization.CultureInfo.InvariantCulture), 9);
        Session.AssertNoProblems();
    });

    [Fact]
    public Task The_waterfall_nests_spans_by_parent_and_collapses_and_expands_a_subtree() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync($"/traces/{Checkout}");

        await Expect(Rows.Locator(".wf-op")).ToHaveTextAsync(["GET /checkout", "POST /orders", "POST /orders", "INSERT orders", "charge card"]);
        await Expect(Rows.Locator(".wf-service")).ToHaveTextAsync(["web", "web", "api", "db", "api"]);
        Assert.Equal(["0", "1", "2", "3", "3"], await Rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.depth)"));
        await Expect(page.Locator("#trace-figures [data-figure='duration'] dd")).ToHaveTextAsync("200ms");
        await Expect(page.Locator("#trace-figures [data-figure='errors'] dd")).ToHaveTextAsync("2");
        await Expect(page.Locator("#trace-legend .trace-legend-item")).ToHaveCountAsync(3);

        // Failed spans are marked, and so is every span the API puts on the critical path (the root always is).
        var charge = Row(TracesBrowserSupport.ChargeSpan);
        await Expect(charge).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-error"));
        await Expect(charge.Locator(".wf-flag-error")).ToHaveTextAsync("error");
        await Expect(page.Locator("#wf-viewport .wf-row.is-error")).ToHaveCountAsync(2);
        var critical = await Data.CriticalPathAsync(TracesBrowserSupport.CheckoutTraceId);
        Assert.Contains(TracesBrowserSupport.RootSpan, critical);
        Assert.Equal(critical.Order(StringComparer.Ordinal),
            (await page.Locator("#wf-viewport .wf-row.is-critical").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.spanId)")).Order(StringComparer.Ordinal));

        // Bars sit on one time axis: the charge card starts 80 of 200 ms in, i.e. 40 % across.
        string left = await charge.Locator(".wf-bar").EvaluateAsync<string>("bar => bar.style.left");
        Assert.Equal("40%", left);

        var api = Row(TracesBrowserSupport.ApiServerSpan);
        await Expect(api).ToHaveAttributeAsync("aria-expanded", "true");
        await api.Locator("[data-toggle]").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(3);
        await Expect(Row(TracesBrowserSupport.ApiServerSpan)).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(Row(TracesBrowserSupport.ApiServerSpan).Locator(".wf-hidden-count")).ToHaveTextAsync("+2");
        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("3 of 5 spans shown");

        await Row(TracesBrowserSupport.ApiServerSpan).Locator("[data-toggle]").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(5);

        await page.Locator("#trace-collapse-all").ClickAsync();
        await Expect(Rows.Locator(".wf-op")).ToHaveTextAsync(["GET /checkout"]);
        await page.Locator("#trace-expand-all").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(5);
        Session.AssertNoProblems();
    });

    [Fact]
    public Task A_span_click_opens_its_attributes_status_and_parent_in_the_panel() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync($"/traces/{Checkout}");
        await Expect(Rows).ToHaveCountAsync(5);

        await Row(TracesBrowserSupport.ChargeSpan).Locator(".wf-op").ClickAsync();
        var panel = page.Locator("#span-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.ChargeSpan);
        await Expect(page.Locator("#span-panel-title")).ToHaveTextAsync("api charge card");
        await Expect(panel.Locator("[data-section='attributes'] tr[data-key='payment.provider'] td")).ToHaveTextAsync("acme");
        await Expect(panel.Locator("tr[data-field='status'] td")).ToHaveTextAsync("error card declined");
        await Expect(panel.Locator("tr[data-field='duration'] td")).ToHaveTextAsync("70ms");
        await Expect(panel.Locator("tr[data-field='kind'] td")).ToHaveTextAsync("internal");
        await Expect(Row(TracesBrowserSupport.ChargeSpan)).ToHaveAttributeAsync("aria-selected", "true");
        await Poll.UntilAsync(() => Task.FromResult(page.Url), url => url.EndsWith($"?span={TracesBrowserSupport.ChargeSpan}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the span in the URL");

        // The parent link moves the selection to the parent span.
        await panel.Locator("tr[data-field='parent'] button").ClickAsync();
        await Expect(panel).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.ApiServerSpan);
        await Expect(panel.Locator("[data-section='attributes'] tr[data-key='order.id'] td")).ToHaveTextAsync("A-1042");

        // Reloading with ?span= opens the same span.
        await page.ReloadAsync();
        await Expect(panel).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.ApiServerSpan);
        await page.Locator("#span-panel-close").ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        Session.AssertNoProblems();
    });

    [Fact]
    public Task The_span_panel_shows_events_links_and_resource_and_a_link_opens_the_linked_trace() => Session.RunAsync(async page =>
    {
        const string traceId = "7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
        const string consumer = "c000000000000001";
        const string ack = "c000000000000002";
        await SendCheckoutAsync();
        var span = Data.Span(traceId, consumer, null, "worker", "process order", "consumer", 500, 100, "ok", null);
        span["events"] = new object[]
        {
            new { name = "message received", time = TracesBrowserSupport.Iso(Data.CheckoutStart.AddMilliseconds(510)), attributes = new Dictionary<string, object> { ["messaging.message.id"] = "m-7" } },
        };
        span["links"] = new object[]
        {
            new { trace_id = Checkout, span_id = TracesBrowserSupport.ApiServerSpan, attributes = new { relation = "follows_from" } },
            new { trace_id = "ffffffffffffffffffffffffffffffff", span_id = "f000000000000001" },
        };
        span["resource"] = new Dictionary<string, object> { ["service.version"] = "2.0.1", ["host.name"] = "worker-3" };
        await Data.SendSpansAsync([span, Data.Span(traceId, ack, consumer, "worker", "ack", "internal", 590, 5, "ok", null)]);
        await Data.WaitForTraceAsync(traceId, 2);

        await Session.GotoAsync($"/traces/{traceId}");
        await Row(consumer).Locator(".wf-op").ClickAsync();
        var panel = page.Locator("#span-panel");
        await Expect(panel).ToHaveAttributeAsync("data-span-id", consumer);
        var received = panel.Locator("[data-section='events'] .span-event[data-name='message received']");
        await Expect(received.Locator(".span-event-time")).ToHaveTextAsync("+10ms");
        await Expect(received.Locator("tr[data-key='messaging.message.id'] td")).ToHaveTextAsync("m-7");
        await Expect(panel.Locator("[data-section='resource'] tr[data-key='service.version'] td")).ToHaveTextAsync("2.0.1");
        await Expect(panel.Locator("[data-section='resource'] tr[data-key='host.name'] td")).ToHaveTextAsync("worker-3");
        var links = panel.Locator("[data-section='links'] .span-link");
        await Expect(links).ToHaveCountAsync(2);
        await Expect(links.Nth(0).Locator("tr[data-key='relation'] td")).ToHaveTextAsync("follows_from");
        await Expect(links.Nth(1).Locator("a")).ToHaveCountAsync(0); // a trace this org does not store is not a link
        await Expect(links.Nth(1)).ToContainTextAsync("trace not stored here");

        // A span without details says so in each section.
        await Row(ack).Locator(".wf-op").ClickAsync();
        await Expect(panel).ToHaveAttributeAsync("data-span-id", ack);
        await Expect(panel.Locator("[data-section='events'] .span-none")).ToHaveTextAsync("none");
        await Expect(panel.Locator("[data-section='links'] .span-none")).ToHaveTextAsync("none");
        await Expect(panel.Locator("[data-section='resource'] .span-none")).ToHaveTextAsync("none");

        // The stored link opens the linked trace at the linked span.
        await Row(consumer).Locator(".wf-op").ClickAsync();
        await links.Nth(0).Locator("a").ClickAsync();
        await Expect(page.Locator("#span-panel")).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.ApiServerSpan);
        Assert.EndsWith($"/traces/{Checkout}?span={TracesBrowserSupport.ApiServerSpan}", page.Url, StringComparison.Ordinal);
        Session.AssertNoProblems();
    });

    [Fact]
    public Task A_64_bit_trace_id_opens_its_trace_from_a_log_line_and_lists_log_lines_of_both_forms() => Session.RunAsync(async page =>
    {
        const string shortId = "a3ce929d0e0e4736";
        const string widened = "0000000000000000" + shortId;
        await Data.SendSpansAsync([Data.Span(shortId, "e000000000000001", null, "legacy", "GET /zipkin", "server", 0, 50, "ok", null)]);
        object[] lines =
        [
            new { timestamp = TracesBrowserSupport.Iso(Data.CheckoutStart.AddMilliseconds(10)), service = "legacy", level = "info", message = "logged with 16 digits", trace_id = shortId },
            new { timestamp = TracesBrowserSupport.Iso(Data.CheckoutStart.AddMilliseconds(20)), service = "legacy", level = "info", message = "logged with 32 digits", trace_id = widened },
        ];
        using (var response = await Data.Client.PostAsync("/v1/logs", Some.LogBatch(lines)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }

        await Data.WaitForTraceAsync(shortId, 1);

        // Log → trace: the Logs page links a line to /traces/{its trace_id}, here the 16-digit form.
        await Session.GotoAsync($"/logs?query={Uri.EscapeDataString($"{{trace_id=\"{shortId}\"}}")}&range=1h");
        var line = page.Locator("#logs-list .log-row").Filter(new() { HasText = "logged with 16 digits" });
        await line.Locator(".log-summary").ClickAsync();
        await line.Locator(".log-detail a.log-trace-link").ClickAsync();
        await Expect(Rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#trace-view")).ToHaveAttributeAsync("data-state", "loaded");

        // Trace → logs: both forms of the id are this trace's lines.
        await Expect(page.Locator("#trace-log-list .trace-log-message")).ToHaveTextAsync(["logged with 16 digits", "logged with 32 digits"]);
        await page.Locator("#trace-logs-link").ClickAsync();
        await Expect(page.Locator("#logs-query")).ToHaveValueAsync($"{{trace_id=~\"{widened}|{shortId}\"}}");
        Session.AssertNoProblems();
    });

    [Fact]
    public Task The_logs_of_the_trace_are_listed_beneath_the_waterfall_with_a_link_to_the_Logs_page() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync($"/traces/{Checkout}");

        await Expect(page.Locator("#trace-log-list .trace-log-message")).ToHaveTextAsync(["checkout started", "card declined by acme"]);
        await Expect(page.Locator("#trace-log-list .trace-log-offset")).ToHaveTextAsync(["+5ms", "+140ms"]);
        await Expect(page.Locator("#trace-log-list .trace-log").Nth(1)).ToHaveAttributeAsync("data-level", "error");

        // A line tied to a span selects it in the waterfall.
        await page.Locator("#trace-log-list .trace-log").Nth(1).Locator(".trace-log-span").ClickAsync();
        await Expect(page.Locator("#span-panel")).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.ChargeSpan);

        await page.Locator("#trace-logs-link").ClickAsync();
        await Expect(page).ToHaveTitleAsync("Logs · AegisGuard");
        await Expect(page.Locator("#logs-query")).ToHaveValueAsync($"{{trace_id=\"{Checkout}\"}}");
        await Expect(page.Locator("#logs-list .log-message")).ToHaveTextAsync(["card declined by acme", "checkout started"]);
        Session.AssertNoProblems();
    });

    [Fact]
    public Task An_unknown_trace_id_shows_not_found() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        Assert.Equal(404, await Session.GotoAsync("/traces/00000000000000000000000000000001"));
        await Expect(page.Locator("#trace-not-found")).ToBeVisibleAsync();
        await Expect(page.Locator("#trace-not-found .error-title")).ToHaveTextAsync("Trace not found");
        await Expect(page.Locator("#trace-body")).ToBeHiddenAsync();

        // An id that cannot be a trace id is a 404 document at once.
        Assert.Equal(404, await Session.GotoAsync("/traces/not-a-trace"));
        await Expect(page.Locator("#trace-not-found .error-title")).ToHaveTextAsync("Trace not found");
        Session.AssertNoProblems();
    });

    [Fact]
    public Task The_service_map_draws_the_services_in_call_order_and_a_node_click_shows_its_RED_panel() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync("/services/map");

        var nodes = page.Locator("#map-canvas [data-node]");
        await Expect(nodes).ToHaveCountAsync(3);
        await Expect(page.Locator("#map-canvas [data-edge]")).ToHaveCountAsync(2);
        await Expect(page.Locator("#map-canvas [data-edge='web→api']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#map-canvas [data-edge='api→db']")).ToHaveCountAsync(1);
        // Layers follow call depth: web calls api calls db.
        await Expect(page.Locator("#map-canvas [data-node='web']")).ToHaveAttributeAsync("data-layer", "0");
        await Expect(page.Locator("#map-canvas [data-node='api']")).ToHaveAttributeAsync("data-layer", "1");
        await Expect(page.Locator("#map-canvas [data-node='db']")).ToHaveAttributeAsync("data-layer", "2");
        // Colour by error rate: every request of api failed, none of web.
        await Expect(page.Locator("#map-canvas [data-node='api']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-bad"));
        await Expect(page.Locator("#map-canvas [data-node='web']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-ok"));
        await Expect(page.Locator("#map-canvas [data-edge-label='api→db'] text")).ToContainTextAsync("p95 40ms");

        await page.Locator("#map-canvas [data-node='api'] circle").ClickAsync();
        var panel = page.Locator("#map-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(page.Locator("#map-panel-title")).ToHaveTextAsync("api");
        await Expect(panel.Locator("[data-figure='errors'] dd")).ToHaveTextAsync("100 %");
        await Expect(panel.Locator(".map-charts")).ToHaveAttributeAsync("data-loaded", "true");
        await Expect(panel.Locator(".map-charts canvas")).ToHaveCountAsync(3);
        var operations = await panel.Locator(".map-operations tbody tr td:first-child").AllTextContentsAsync();
        Assert.Equal(["POST /orders", "charge card"], operations.Order(StringComparer.Ordinal));
        await Expect(page.Locator("#map-canvas [data-node='api']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-selected"));
        Session.AssertNoProblems();
    });

    [Fact]
    public Task An_edge_click_on_the_service_map_lists_its_calls_and_traces() => Session.RunAsync(async page =>
    {
        await SendCheckoutAsync();
        await Session.GotoAsync("/services/map");
        await Expect(page.Locator("#map-canvas [data-edge]")).ToHaveCountAsync(2);

        await page.Locator("#map-canvas [data-edge-label='web→api']").ClickAsync();
        var panel = page.Locator("#map-panel");
        await Expect(panel).ToHaveAttributeAsync("data-kind", "edge");
        await Expect(page.Locator("#map-panel-title")).ToHaveTextAsync("web → api");
        await Expect(panel.Locator("[data-figure='calls'] dd")).ToHaveTextAsync("1");
        await Expect(panel.Locator(".map-edge-operations tbody tr td").First).ToHaveTextAsync("POST /orders");
        await Expect(panel.Locator($".map-trace-list li[data-trace-id='{Checkout}'] a")).ToHaveTextAsync("web: GET /checkout");
        Session.AssertNoProblems();
    });

    [Fact]
    public Task A_5000_span_trace_keeps_only_the_rows_in_view_in_the_page() => Session.RunAsync(async page =>
    {
        var spans = Data.LargeTraceSpans(LargeTraceId);
        Assert.Equal(5000, spans.Count);
        foreach (var batch in spans.Chunk(500))
        {
            await Data.SendSpansAsync(batch);
        }

        await Data.WaitForTraceAsync(LargeTraceId, 5000);
        await Session.GotoAsync($"/traces/{LargeTraceId}");

        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("5000 spans");
        var rows = page.Locator("#wf-viewport .wf-row");
        await Expect(rows.First).ToHaveAttributeAsync("data-span-id", TracesBrowserSupport.LargeRootSpan);
        Assert.InRange(await rows.CountAsync(), 10, 120);
        Assert.Equal(5000 * 28, await page.Locator("#wf-spacer").EvaluateAsync<int>("s => s.offsetHeight"));

        // Scrolled to the end, the last span is drawn and the first is gone from the DOM.
        await page.Locator("#wf-viewport").EvaluateAsync("v => { v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll')); }");
        await Expect(page.Locator("#wf-viewport .wf-row .wf-op", new() { HasTextString = "get 4999" })).ToBeVisibleAsync();
        await Expect(page.Locator($"#wf-viewport .wf-row[data-span-id='{TracesBrowserSupport.LargeRootSpan}']")).ToHaveCountAsync(0);
        Assert.InRange(await rows.CountAsync(), 10, 120);

        // Collapse all leaves the root; opening it shows its 99 batches and 49 cache calls, each batch still closed.
        await page.Locator("#trace-collapse-all").ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("1 of 5000 spans shown");
        await rows.First.Locator("[data-toggle]").ClickAsync();
        await Expect(page.Locator("#trace-row-count")).ToHaveTextAsync("149 of 5000 spans shown");
        Session.AssertNoProblems();
    });

    [Fact]
    public Task Without_spans_the_trace_pages_show_a_signed_curl_that_sends_a_trace() => Session.RunAsync(async page =>
    {
        await Session.GotoAsync("/traces");
        var empty = page.Locator("#traces-no-data [data-empty='no-spans']");
        await Expect(empty).ToBeVisibleAsync();
        await Expect(page.Locator("#traces-explorer")).ToBeHiddenAsync();
        var send = page.Locator("#trace-guide-send");
        await Expect(send).ToContainTextAsync("/v1/traces");
        await Expect(send).ToContainTextAsync("x-signature: sha256=$SIGNATURE");
        string traceId = (await page.Locator("[data-guide-trace]").GetAttributeAsync("href"))!["/traces/".Length..];
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        await Expect(send).ToContainTextAsync($"TRACE_ID={traceId}");
        await Expect(page.Locator("#trace-guide-create-key")).ToContainTextAsync("keys create --org default");

        await Session.GotoAsync("/services/map");
        await Expect(page.Locator("#map-no-data [data-empty='no-spans']")).ToBeVisibleAsync();
        await Expect(page.Locator("#map-explorer")).ToBeHiddenAsync();
        Session.AssertNoProblems();
    });

    private ILocator Row(string spanId) => Page.Locator($"#wf-viewport .wf-row[data-span-id='{spanId}']");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}

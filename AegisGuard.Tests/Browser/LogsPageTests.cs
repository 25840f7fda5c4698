using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The Logs explorer (/logs) in Chromium against the real executable, signed in, on known lines sent with a signed
/// batch: search, query errors at their column, facets, the JSON viewer's filters, trace correlation, auto-refresh,
/// live tail, the URL as the view, metric charts, paging through many lines and the empty state of a fresh org.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed partial class LogsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    // Newest first, as the page lists them.
    private const string L5 = """{"status":200,"msg":"ok","user_id":"7"}""";
    private const string L4 = "query took 12ms";
    private const string L3 = "slow request: Timeout after 2s";
    private const string L2 = """{"status":502,"msg":"upstream timeout","user_id":"42"}""";
    private const string L1 = "GET /users 200";

    // What the list shows of the JSON messages: their msg (the other fields follow as chips).
    private const string L5Shown = "ok";
    private const string L2Shown = "upstream timeout";
    private const string TraceId = "trace-abc";

    private static readonly TimeSpan DataTimeout = TimeSpan.FromSeconds(20);

    private BrowserSession session = null!;
    private LogsBrowserSupport data = null!;

    private IPage Page => session.Page;

    private ILocator Messages => Page.Locator("#logs-list .log-message");

    private ILocator QueryInput => Page.Locator("#logs-query");

    public async Task InitializeAsync()
    {
        session = await BrowserSession.StartAsync(browser);
        data = await LogsBrowserSupport.CreateAsync(session);
    }

    public async Task DisposeAsync()
    {
        data.Dispose();
        await session.DisposeAsync();
    }

    [Fact]
    public Task Searching_with_a_query_lists_exactly_the_matching_lines_newest_first() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");

        await Expect(page).ToHaveTitleAsync("Logs · AegisGuard");
        await Expect(Messages).ToHaveTextAsync([L5Shown, L4, L3, L2Shown, L1]);
        await Expect(page.Locator("#logs-list .log-row").First).ToHaveAttributeAsync("data-level", "info");
        await Expect(page.Locator("#logs-list .log-row").Nth(1)).ToHaveAttributeAsync("data-level", "debug");
        await Expect(page.Locator("#logs-list .log-service")).ToHaveTextAsync(["api", "db", "web", "api", "api"]);
        await Expect(page.Locator("#logs-summary")).ToHaveTextAsync("5 lines");
        await Expect(page.Locator("[data-nav='/logs']")).ToHaveAttributeAsync("aria-current", "page");

        await RunQueryAsync("{service=\"api\"} |= \"timeout\"");
        await Expect(Messages).ToHaveTextAsync([L2Shown]);
        await ExpectParameterAsync("query", "{service=\"api\"} |= \"timeout\"");

        await RunQueryAsync("{} |= i\"TIMEOUT\"");
        await Expect(Messages).ToHaveTextAsync([L3, L2Shown]);
        await Expect(page.Locator("#logs-list .log-match")).ToHaveTextAsync(["Timeout", "timeout"]);
        await Expect(page.Locator("#logs-summary")).ToHaveTextAsync("2 lines");
        await Expect(page.Locator("#logs-volume")).ToHaveAttributeAsync("data-total", "2");
        await Expect(page.Locator("#logs-volume-summary")).ToContainTextAsync("2 lines");
        await Expect(page.Locator("#logs-problem")).ToBeHiddenAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_bad_query_is_shown_at_its_column_in_the_query_bar() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        await RunQueryAsync("{service=\"api\", | json");

        var error = page.Locator("#logs-query-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error.Locator("[data-error-column]")).ToHaveTextAsync("at column 17");
        await Expect(error.Locator("[data-error-message]"))
            .ToHaveTextAsync("unexpected \"|\" at column 17, expected a label matcher such as service=\"api\"");
        Assert.Equal("{service=\"api\", | json\n" + new string(' ', 16) + "^", await error.Locator("[data-error-snippet]").TextContentAsync());
        await Expect(page.Locator("#logs-query-field .query-mark")).ToHaveTextAsync("|");
        await Expect(QueryInput).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(16, await QueryInput.EvaluateAsync<int>("input => input.selectionStart"));
        await Expect(page.Locator("#logs-problem")).ToBeHiddenAsync();

        // A regular expression RE2 rejects is marked where it starts.
        await RunQueryAsync("{} |~ \"(unclosed\"");
        await Expect(error.Locator("[data-error-column]")).ToHaveTextAsync("at column 7");
        await Expect(page.Locator("#logs-query-field .query-mark")).ToHaveTextAsync("\"");

        // Fixing the query clears the error and lists lines again.
        await RunQueryAsync("{} |~ \"(Timeout)\"");
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator("#logs-query-field .query-mark")).ToHaveCountAsync(0);
        await Expect(Messages).ToHaveTextAsync([L3]);

        // Chromium may log a 4xx answer to fetch() as a console error: here only the expected 400s of the two bad
        // queries may show up (lines, volume and facets are asked in parallel), and nothing else.
        var problems = session.Problems;
        Assert.True(problems.Count <= 6 && problems.All(p =>
                p.StartsWith("console error: Failed to load resource: the server responded with a status of 400", StringComparison.Ordinal) &&
                (p.Contains("/api/logs/query?", StringComparison.Ordinal) || p.Contains("/api/logs/volume?", StringComparison.Ordinal) ||
                 p.Contains("/api/logs/facets?", StringComparison.Ordinal))),
            string.Join('\n', problems));
    });

    [Fact]
    public Task Facets_and_quick_filters_write_the_query_and_narrow_the_list() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        var services = page.Locator("[data-facet='service'] .logs-facet-value");
        await Expect(services.Locator(".logs-facet-label")).ToHaveTextAsync(["api", "db", "web"]);
        await Expect(services.Locator(".logs-facet-count")).ToHaveTextAsync(["3", "1", "1"]);
        await Expect(page.Locator("[data-facet='region'] .logs-facet-label")).ToHaveTextAsync(["us", "eu"]);

        await Facet("service", "web").Locator(".logs-facet-include").ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{service=\"web\"}");
        await Expect(Messages).ToHaveTextAsync([L3]);
        await Expect(Facet("service", "web")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-included"));
        await Expect(page.Locator("#logs-service")).ToHaveValueAsync("web");

        // The same value again takes the filter back out.
        await Facet("service", "web").Locator(".logs-facet-include").ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{}");
        await Expect(Messages).ToHaveCountAsync(5);

        // "−" excludes; Alt+click excludes too.
        await Facet("service", "api").HoverAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Exclude service api" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{service!=\"api\"}");
        await Expect(Messages).ToHaveTextAsync([L4, L3]);
        await Facet("region", "us").Locator(".logs-facet-include").ClickAsync(new() { Modifiers = [KeyboardModifier.Alt] });
        await Expect(QueryInput).ToHaveValueAsync("{service!=\"api\", region!=\"us\"}");
        await Expect(Messages).ToHaveTextAsync([L4]);
        await Expect(Facet("service", "api")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-excluded"));

        // Quick filters: the level chips and the service picker.
        await RunQueryAsync("{}");
        await page.Locator("#logs-levels [data-level='warn']").ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{level=\"warn\"}");
        await Expect(Messages).ToHaveTextAsync([L3]);
        await page.Locator("#logs-levels [data-level='error']").ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{level=~\"error|warn\"}");
        await Expect(Messages).ToHaveTextAsync([L3, L2Shown]);
        await Expect(page.Locator("#logs-levels [data-level='error']")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Locator("#logs-service").SelectOptionAsync("db");
        await Expect(QueryInput).ToHaveValueAsync("{level=~\"error|warn\", service=\"db\"}");

        // Nothing matches: the page says so and offers a way out.
        var noMatch = page.Locator("#logs-no-match");
        await Expect(noMatch).ToBeVisibleAsync();
        await Expect(noMatch).ToContainTextAsync("none match this query");
        await Expect(Messages).ToHaveCountAsync(0);
        await noMatch.GetByRole(AriaRole.Button, new() { Name = "Remove all filters" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{}");
        await Expect(Messages).ToHaveCountAsync(5);
        await Expect(noMatch).ToBeHiddenAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task Expanding_a_line_shows_its_fields_and_filter_or_exclude_by_value_edit_the_query() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        var row = Row(L2Shown);
        await row.Locator(".log-summary").ClickAsync();
        var detail = row.Locator(".log-detail");
        await Expect(detail).ToBeVisibleAsync();
        await Expect(row.Locator(".log-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(detail.Locator(".log-detail-message")).ToHaveTextAsync(L2);
        await Expect(JsonRow(detail, "status:")).ToContainTextAsync("502");
        await Expect(JsonRow(detail, "region:")).ToContainTextAsync("\"eu\"");
        await Expect(JsonRow(detail, "route:")).ToContainTextAsync("\"/users\"");

        // Collapse and expand the viewer; copy a value.
        await detail.GetByRole(AriaRole.Button, new() { Name = "Collapse all" }).ClickAsync();
        await Expect(detail.GetByText("region:")).ToBeHiddenAsync();
        await detail.GetByRole(AriaRole.Button, new() { Name = "Expand all" }).ClickAsync();
        await Expect(detail.GetByText("region:")).ToBeVisibleAsync();
        await JsonRow(detail, "msg:").HoverAsync();
        await JsonRow(detail, "msg:").GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        Assert.Equal("upstream timeout", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        // Filter by an attribute value: a selector matcher.
        await JsonRow(detail, "region:").HoverAsync();
        await JsonRow(detail, "region:").GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{region=\"eu\"}");
        await Expect(Messages).ToHaveTextAsync([L4, L2Shown]);

        // Exclude a field value of another line.
        await Row(L4).Locator(".log-summary").ClickAsync();
        var debug = Row(L4).Locator(".log-detail");
        await JsonRow(debug, "level:").HoverAsync();
        await JsonRow(debug, "level:").GetByRole(AriaRole.Button, new() { Name = "Exclude" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{region=\"eu\", level!=\"debug\"}");
        await Expect(Messages).ToHaveTextAsync([L2Shown]);

        // Filter by a field of the JSON message: a | json label filter, numbers compared as numbers.
        await Row(L2Shown).Locator(".log-summary").ClickAsync();
        var json = Row(L2Shown).Locator(".log-detail");
        await JsonRow(json, "status:").HoverAsync();
        // The list shows [L2] before and after this filter: wait for the new run, or the next click lands on a row
        // that the run is about to replace.
        await ClickAndWaitForRunAsync(JsonRow(json, "status:").GetByRole(AriaRole.Button, new() { Name = "Filter" }));
        await Expect(QueryInput).ToHaveValueAsync("{region=\"eu\", level!=\"debug\"} | json | status = 502");
        await Expect(Messages).ToHaveTextAsync([L2Shown]);
        await Row(L2Shown).Locator(".log-summary").ClickAsync();
        await JsonRow(Row(L2Shown).Locator(".log-detail"), "user_id:").HoverAsync();
        await JsonRow(Row(L2Shown).Locator(".log-detail"), "user_id:").GetByRole(AriaRole.Button, new() { Name = "Exclude" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync("{region=\"eu\", level!=\"debug\"} | json | status = 502 | user_id != \"42\"");
        await Expect(Messages).ToHaveCountAsync(0);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_trace_id_links_to_the_trace_view_and_shows_the_logs_of_its_trace() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        await Expect(Row(L2Shown).Locator(".log-trace-chip")).ToHaveAttributeAsync("href", $"/traces/{TraceId}");
        await Expect(Row(L1).Locator(".log-trace-chip")).ToHaveCountAsync(0);
        await Row(L2Shown).Locator(".log-summary").ClickAsync();
        var detail = Row(L2Shown).Locator(".log-detail");
        await Expect(detail.Locator("[data-trace-link]")).ToHaveAttributeAsync("href", $"/traces/{TraceId}");

        await detail.GetByRole(AriaRole.Button, new() { Name = "Show logs of this trace" }).ClickAsync();
        await Expect(QueryInput).ToHaveValueAsync($"{{trace_id=\"{TraceId}\"}}");
        await Expect(Messages).ToHaveTextAsync([L5Shown, L2Shown]);

        // The link lands on the trace view; "trace-abc" is no trace id the traces API looks up (16 or 32 hex digits),
        // so the trace view answers with its 404.
        await Row(L5Shown).Locator(".log-trace-chip").ClickAsync();
        await page.WaitForURLAsync($"**/traces/{TraceId}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Trace not found" })).ToBeVisibleAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task Auto_refresh_shows_new_lines_without_reloading_the_page() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);
        await page.EvaluateAsync("() => { window.samePage = true; }");

        await page.Locator("#logs-refresh").SelectOptionAsync("5s");
        await ExpectParameterAsync("refresh", "5s");
        await data.SendAsync(6, LogsBrowserSupport.Line("fresh line after refresh", "api", "error", 0));

        await Expect(Messages.First).ToHaveTextAsync("fresh line after refresh", new() { Timeout = 20_000 });
        await Expect(Messages).ToHaveCountAsync(6);
        await Expect(page.Locator("#logs-summary")).ToHaveTextAsync("6 lines");
        await Expect(page.Locator("#logs-volume")).ToHaveAttributeAsync("data-total", "6");
        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true"), "the page was reloaded");

        await page.Locator("#logs-refresh").SelectOptionAsync("");
        await ExpectParameterAsync("refresh", null);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Live_tail_puts_new_lines_on_top_as_they_arrive() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        var live = page.Locator("#logs-live");
        await live.ClickAsync();
        await Expect(live).ToHaveAttributeAsync("aria-pressed", "true");
        await ExpectParameterAsync("live", "1");
        await Expect(page.Locator("#logs-live-status")).ToHaveTextAsync("Live · waiting for new lines");

        await data.SendAsync(7,
            LogsBrowserSupport.Line("tail one", "worker", "info", 1),
            LogsBrowserSupport.Line("tail two", "worker", "warn", 0));

        await Expect(Messages).ToHaveTextAsync(["tail two", "tail one", L5Shown, L4, L3, L2Shown, L1], new() { Timeout = 15_000 });
        await Expect(page.Locator("#logs-list .log-row.is-new")).ToHaveCountAsync(2);
        await Expect(page.Locator("#logs-live-status")).ToHaveTextAsync("Live · 2 new");

        // A reader who scrolled down into the list keeps their place while lines arrive on top.
        await page.SetViewportSizeAsync(1440, 420);
        await Row(L1).Locator(".log-summary").ClickAsync();
        await Expect(Row(L1).Locator(".log-detail")).ToBeVisibleAsync();
        string scrolled = await page.EvaluateAsync<string>("""
            () => {
                const list = document.getElementById('logs-list');
                window.scrollTo(0, list.getBoundingClientRect().top + window.scrollY + 90);
                return JSON.stringify([list.getBoundingClientRect().top, window.scrollY, document.documentElement.scrollHeight]);
            }
            """);
        float before = (await Row(L1).BoundingBoxAsync())!.Y;
        Assert.True(await page.EvaluateAsync<double>("() => document.getElementById('logs-list').getBoundingClientRect().top") < 0, $"the list top is on screen: {scrolled}");
        await data.SendAsync(8, LogsBrowserSupport.Line("tail three", "worker", "info", 0));
        await Expect(Messages.First).ToHaveTextAsync("tail three", new() { Timeout = 15_000 });
        Assert.Equal(before, (await Row(L1).BoundingBoxAsync())!.Y, 1.0);
        await page.SetViewportSizeAsync(1440, 900);

        await live.ClickAsync();
        await Expect(live).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(page.Locator("#logs-live-status")).ToBeHiddenAsync();
        await ExpectParameterAsync("live", null);
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_url_holds_the_view_so_reload_and_back_and_forward_restore_it() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        await page.Locator("#logs-range [data-range='24h']").ClickAsync();
        await RunQueryAsync("{service=\"web\"}");
        await Expect(Messages).ToHaveTextAsync([L3]);
        await RunQueryAsync("{service=\"db\"}");
        await Expect(Messages).ToHaveTextAsync([L4]);
        await ExpectParameterAsync("range", "24h");
        await ExpectParameterAsync("query", "{service=\"db\"}");

        await page.GoBackAsync();
        await Expect(QueryInput).ToHaveValueAsync("{service=\"web\"}");
        await Expect(Messages).ToHaveTextAsync([L3]);
        await page.GoForwardAsync();
        await Expect(QueryInput).ToHaveValueAsync("{service=\"db\"}");
        await Expect(Messages).ToHaveTextAsync([L4]);

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(QueryInput).ToHaveValueAsync("{service=\"db\"}");
        await Expect(page.Locator("#logs-range [data-range='24h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Messages).ToHaveTextAsync([L4]);

        // A shared link opens the same view in a fresh page.
        var shared = await page.Context.NewPageAsync();
        await shared.GotoAsync(page.Url, new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(shared.Locator("#logs-list .log-message")).ToHaveTextAsync([L4]);
        await shared.CloseAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task Dragging_across_the_volume_histogram_zooms_into_that_range() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs?range=15m");
        await Expect(Messages).ToHaveCountAsync(5);
        string levels = await page.EvaluateAsync<string>(
            "() => JSON.stringify(window.Chart.getChart(document.getElementById('logs-volume-chart')).data.datasets.map(d => d.label))");
        Assert.Equal("""["error","warn","info","debug"]""", levels);
        int runs = int.Parse((await page.Locator("#logs-explorer").GetAttributeAsync("data-runs"))!, System.Globalization.CultureInfo.InvariantCulture);

        // Drag over the right half of the plot: the lines are all within the last minute of the 15.
        var box = (await page.Locator("#logs-volume-chart").BoundingBoxAsync())!;
        float y = box.Y + box.Height / 2;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.75f, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + box.Width - 2, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        await Expect(page.Locator("#logs-explorer")).ToHaveAttributeAsync("data-runs", new System.Text.RegularExpressions.Regex($"^(?!{runs}$)\\d+$"));
        await Expect(page.Locator("#logs-range [data-range='custom']")).ToHaveAttributeAsync("aria-pressed", "true");
        var from = DateTimeOffset.Parse((await ExpectParameterAsync("from", null, present: true))!, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(QueryParameter(page.Url, "to")!, System.Globalization.CultureInfo.InvariantCulture);
        // The right half of the plot is about the last 7.5 of the 15 minutes.
        Assert.InRange((to - from).TotalMinutes, 6.5, 8.5);
        await ExpectParameterAsync("range", null);
        await Expect(Messages).ToHaveCountAsync(5);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_metric_query_draws_a_chart_of_its_series() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        const string query = "sum by (service) (count_over_time({}[15m]))";
        await OpenAsync($"/logs?range=15m&query={Uri.EscapeDataString(query)}");

        var metric = page.Locator("#logs-metric");
        await Expect(metric).ToBeVisibleAsync();
        await Expect(page.Locator("#logs-table")).ToBeHiddenAsync();
        await Expect(metric.Locator("tbody code")).ToHaveTextAsync(["{service=\"api\"}", "{service=\"db\"}", "{service=\"web\"}"]);
        await Expect(metric.Locator("tbody tr td:nth-child(3)")).ToHaveTextAsync(["3", "1", "1"]);
        string charted = await page.EvaluateAsync<string>("""
            () => {
                const chart = window.Chart.getChart(document.getElementById('logs-metric-chart'));
                return JSON.stringify(chart.data.datasets.map(d => [d.label, Math.max(...d.data.map(p => p.y))]));
            }
            """);
        Assert.Equal("""[["{service=\"api\"}",3],["{service=\"db\"}",1],["{service=\"web\"}",1]]""", charted);
        await Expect(page.Locator("#logs-summary")).ToContainTextAsync("3 series");

        // Back to lines.
        await RunQueryAsync("{service=\"db\"}");
        await Expect(metric).ToBeHiddenAsync();
        await Expect(Messages).ToHaveTextAsync([L4]);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Live_tail_keeps_the_newest_thousand_lines_and_pauses_while_the_tab_is_hidden() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await page.Locator("#logs-live").ClickAsync();
        await Expect(page.Locator("#logs-live-status")).ToHaveTextAsync("Live · waiting for new lines");

        // 1,200 new lines in three bursts (each within one tick's 500-line page), newer than the five known ones.
        var start = DateTime.UtcNow.AddSeconds(-4);
        var lines = Enumerable.Range(0, 1200).Select(i =>
        {
            var line = LogsBrowserSupport.Line($"live {i:D4}", "tail", "info", 0);
            line["timestamp"] = start.AddMilliseconds(i * 2).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            return (object)line;
        }).ToArray();
        for (int burst = 0; burst < 3; burst++)
        {
            await data.SendAsync(5 + ((burst + 1) * 400), lines[(burst * 400)..((burst + 1) * 400)]);
            await Expect(Messages.First).ToHaveTextAsync($"live {(burst * 400) + 399:D4}", new() { Timeout = 20_000 });
        }

        await Expect(page.Locator("#logs-list .log-row")).ToHaveCountAsync(1000);
        await Expect(Messages.Last).ToHaveTextAsync("live 0200");

        // Hidden tab: no polling at all, so nothing new is shown; visible again: it catches up at once.
        int queries = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/logs/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref queries);
            }
        };
        await SetHiddenAsync(page, hidden: true);
        Volatile.Write(ref queries, 0);
        await data.SendAsync(1206, LogsBrowserSupport.Line("sent while hidden", "tail", "warn", 0));
        await Task.Delay(TimeSpan.FromSeconds(5)); // 2.5 live-tail intervals
        Assert.Equal(0, Volatile.Read(ref queries));
        await Expect(Messages.First).ToHaveTextAsync("live 1199");

        await SetHiddenAsync(page, hidden: false);
        await Expect(Messages.First).ToHaveTextAsync("sent while hidden");
        await Expect(page.Locator("#logs-list .log-row")).ToHaveCountAsync(1000);
        session.AssertNoProblems();
    });

    /// <summary>Makes the page believe its tab was hidden or shown again (a headless page is never really hidden).</summary>
    private static async Task SetHiddenAsync(IPage page, bool hidden) => await page.EvaluateAsync("""
        (hidden) => {
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
            Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
            document.dispatchEvent(new Event('visibilitychange'));
        }
        """, hidden);

    [Fact]
    public Task Thousands_of_lines_are_rendered_in_chunks_and_paged_with_the_cursor_while_scrolling() => session.RunAsync(async page =>
    {
        const int count = 1200;
        var start = DateTime.UtcNow.AddMinutes(-5);
        var lines = Enumerable.Range(0, count).Select(i =>
        {
            var line = LogsBrowserSupport.Line($"bulk {i:D4}", "bulk", i % 10 == 0 ? "error" : "info", 0);
            line["timestamp"] = start.AddMilliseconds(i * 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
            return (object)line;
        }).ToArray();
        // A batch holds at most 1,000 lines.
        await data.SendAsync(count / 2, lines[..(count / 2)]);
        await data.SendAsync(count, lines[(count / 2)..]);
        await OpenAsync("/logs");

        await Expect(page.Locator("#logs-summary")).ToHaveTextAsync("Showing 200 of 1,200 lines");
        int first = await page.Locator("#logs-list .log-row").CountAsync();
        Assert.True(first < count, $"{first} rows rendered at once");
        await Expect(Messages.First).ToHaveTextAsync("bulk 1199");

        int rendered = await Poll.UntilAsync(
            async () =>
            {
                await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
                return await page.Locator("#logs-list .log-row").CountAsync();
            },
            rows => rows == count,
            TimeSpan.FromSeconds(60),
            "every line rendered by scrolling");

        Assert.Equal(count, rendered);
        await Expect(page.Locator("#logs-end")).ToBeVisibleAsync();
        await Expect(page.Locator("#logs-more")).ToBeHiddenAsync();
        await Expect(Messages.Last).ToHaveTextAsync("bulk 0000");
        await Expect(page.Locator("#logs-summary")).ToHaveTextAsync("1,200 lines");
        var texts = await Messages.AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"bulk {i:D4}"), texts);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Filters_written_by_the_page_quote_any_value_so_the_server_matches_it_exactly() => session.RunAsync(async page =>
    {
        const string odd = "say \"hi\" \\ back\nslash\tü €";
        await data.SendAsync(2,
            LogsBrowserSupport.Line("odd one", "we\"ird", "info", 5, attributes: new Dictionary<string, object> { ["note"] = odd }),
            LogsBrowserSupport.Line("plain one", "api", "info", 4, attributes: new Dictionary<string, object> { ["note"] = "plain" }));
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(2);

        string answers = await page.EvaluateAsync<string>("""
            async (odd) => {
                const q = await import('/js/pages/logs/query-text.js');
                const { getJson } = await import('/js/api.js');
                const lines = async (query) => (await getJson(`/api/logs/query?query=${encodeURIComponent(query)}`)).logs.map(l => l.message);
                const byNote = q.toggleMatcher('{}', 'note', '=', odd);
                const byService = q.setMatcher('{} |= "one"', 'service', '=', 'we"ird');
                const excluded = q.toggleMatcher(byService, 'service', '!=', 'we"ird');
                return JSON.stringify({
                    byNote, noteLines: await lines(byNote),
                    byService, serviceLines: await lines(byService),
                    excluded, excludedLines: await lines(excluded),
                    metric: q.setMatcher('sum by (service) (count_over_time({level="error"}[5m]))', 'service', '=~', 'api|web'),
                    levels: q.setLevels('{service=`raw\\d`}', ['error', 'warn']),
                    chosen: q.selectedLevels('{level=~"error|warn"}'),
                    logfmt: q.addLabelFilter('{} | logfmt', 'status', '>=', 500),
                    json: q.addLabelFilter('{}', 'user.id', '=', '42'),
                    halfTyped: q.setMatcher('{service="api", ', 'level', '=', 'error'),
                    badName: q.isLabelName('user-id'),
                });
            }
            """, odd);
        using var json = System.Text.Json.JsonDocument.Parse(answers);
        var root = json.RootElement;
        Assert.Equal("{note=\"say \\\"hi\\\" \\\\ back\\nslash\\tü €\"}", root.GetProperty("byNote").GetString());
        Assert.Equal(["odd one"], root.GetProperty("noteLines").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("{service=\"we\\\"ird\"} |= \"one\"", root.GetProperty("byService").GetString());
        Assert.Equal(["odd one"], root.GetProperty("serviceLines").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("{service!=\"we\\\"ird\"} |= \"one\"", root.GetProperty("excluded").GetString());
        Assert.Equal(["plain one"], root.GetProperty("excludedLines").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("sum by (service) (count_over_time({level=\"error\", service=~\"api|web\"}[5m]))", root.GetProperty("metric").GetString());
        Assert.Equal("{service=`raw\\d`, level=~\"error|warn\"}", root.GetProperty("levels").GetString());
        Assert.Equal(["error", "warn"], root.GetProperty("chosen").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("{} | logfmt | status >= 500", root.GetProperty("logfmt").GetString());
        Assert.Equal("{} | json | user.id = \"42\"", root.GetProperty("json").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("halfTyped").ValueKind);
        Assert.False(root.GetProperty("badName").GetBoolean());
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_fresh_org_is_shown_how_to_send_logs_and_the_page_picks_them_up() => session.RunAsync(async page =>
    {
        await OpenAsync("/logs");

        var empty = page.Locator("#logs-no-data");
        await Expect(empty).ToBeVisibleAsync();
        await Expect(empty.GetByRole(AriaRole.Heading, new() { Name = "No logs yet" })).ToBeVisibleAsync();
        await Expect(page.Locator("#guide-create-key")).ToContainTextAsync($"keys create --org default --name first --scopes ingest,read --json --data {session.DataDir}");
        await Expect(page.Locator("#guide-send-batch")).ToContainTextAsync($"curl -sS -X POST {session.App.Url}/v1/logs");
        await Expect(page.Locator("#logs-body")).ToBeHiddenAsync();
        await Expect(page.Locator("#logs-volume")).ToBeHiddenAsync();
        await Expect(QueryInput).ToBeVisibleAsync();

        await data.SendAsync(1, LogsBrowserSupport.Line("first line ever", "api", "info", 0));
        await page.Locator("#logs-run").ClickAsync();

        await Expect(Messages).ToHaveTextAsync(["first line ever"]);
        await Expect(empty).ToBeHiddenAsync();
        await Expect(page.Locator("#logs-body")).ToBeVisibleAsync();
        session.AssertNoProblems();
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static string? QueryParameter(string url, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query).TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>
    /// Waits until the address bar's <paramref name="name"/> parameter is <paramref name="expected"/> (null: absent), or
    /// with <paramref name="present"/> merely there; returns its value.
    /// </summary>
    private Task<string?> ExpectParameterAsync(string name, string? expected, bool present = false) =>
        Poll.UntilAsync(
            () => Task.FromResult(QueryParameter(Page.Url, name)),
            value => present ? value is not null : value == expected,
            TimeSpan.FromSeconds(5),
            $"?{name}={expected} in {Page.Url}");

    private ILocator Row(string message) => Page.Locator("#logs-list .log-row").Filter(new()
    {
        Has = Page.Locator(".log-message", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(message) + "$") }),
    });

    private ILocator Facet(string name, string value) => Page.Locator($"[data-facet='{name}'] .logs-facet-value[data-value='{value}']");

    private static ILocator JsonRow(ILocator viewer, string key) => viewer.Locator(".json-row").Filter(new() { Has = viewer.Page.Locator(".json-key", new() { HasTextString = key }) });

    /// <summary>Five lines of three services, two of them in one trace, two with JSON messages.</summary>
    private Task SendKnownLinesAsync() => data.SendAsync(5,
        LogsBrowserSupport.Line(L1, "api", "info", 50, host: "a1", attributes: new { region = "us" }),
        LogsBrowserSupport.Line(L2, "api", "error", 40, host: "a1", traceId: TraceId, attributes: new { region = "eu", http = new { route = "/users" } }),
        LogsBrowserSupport.Line(L3, "web", "warn", 30, host: "w1", attributes: new { region = "us" }),
        LogsBrowserSupport.Line(L4, "db", "debug", 20, attributes: new { region = "eu" }),
        LogsBrowserSupport.Line(L5, "api", "info", 10, host: "a2", traceId: TraceId, attributes: new { region = "us" }));

    private async Task OpenAsync(string path)
    {
        Assert.Equal(200, await session.GotoAsync(path));
        await Expect(Page.Locator("#logs-explorer")).ToHaveAttributeAsync("data-runs", new System.Text.RegularExpressions.Regex("^[1-9]"), new() { Timeout = 15_000 });
    }

    private Task RunQueryAsync(string query) => AfterNextRunAsync(async () =>
    {
        await QueryInput.FillAsync(query);
        await QueryInput.PressAsync("Enter");
    });

    private Task ClickAndWaitForRunAsync(ILocator button) => AfterNextRunAsync(() => button.ClickAsync());

    /// <summary>Does <paramref name="action"/> and waits until the page has completed another run (its data-runs count moved).</summary>
    private async Task AfterNextRunAsync(Func<Task> action)
    {
        // A run still in flight (started by the step before) would move the count too, and its answer would then replace
        // the list after the caller has moved on: wait for it first (the page drops is-loading and counts in one go).
        await Expect(Page.Locator("#logs-explorer")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("(^|\\s)is-loading(\\s|$)"));
        int runs = int.Parse(await Page.Locator("#logs-explorer").GetAttributeAsync("data-runs") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await action();
        await Expect(Page.Locator("#logs-explorer")).ToHaveAttributeAsync("data-runs", new System.Text.RegularExpressions.Regex($"^(?!{runs}$)\\d+$"));
    }
}

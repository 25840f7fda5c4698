using System.Diagnostics;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The Metrics explorer (/metrics) in Chromium against the real executable, signed in, on known samples sent with a
/// signed batch: a query's chart, legend, hover values, series toggle and zoom, the table of last values, suggestions
/// while typing, parse errors at their position, the catalog browser, several queries with legend formats, the URL as
/// the view, and the empty state of a fresh org with a signed curl that really stores a first sample.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed partial class MetricsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string Requests = "http_requests_total";
    private const string ApiSeries = "http_requests_total{service=\"api\"}";
    private const string WebSeries = "http_requests_total{service=\"web\"}";

    private BrowserSession session = null!;
    private MetricsBrowserSupport data = null!;

    private IPage Page => session.Page;

    private ILocator QueryA => Page.Locator("[data-query-row][data-letter='A'] [data-input]");

    private ILocator LegendNames => Page.Locator("#metrics-legend .metrics-legend-name");

    public async Task InitializeAsync()
    {
        session = await BrowserSession.StartAsync(browser);
        data = await MetricsBrowserSupport.CreateAsync(session);
    }

    public async Task DisposeAsync()
    {
        data.Dispose();
        await session.DisposeAsync();
    }

    [Fact]
    public Task A_query_is_charted_with_a_legend_that_toggles_series_hover_values_zoom_and_a_table_of_last_values() => session.RunAsync(async page =>
    {
        await SendKnownSamplesAsync();
        await OpenAsync("/metrics");
        await Expect(page).ToHaveTitleAsync("Metrics · AegisGuard");
        await Expect(page.Locator("[data-nav='/metrics']")).ToHaveAttributeAsync("aria-current", "page");

        await RunQueryAsync(QueryA, Requests);

        await Expect(LegendNames).ToHaveTextAsync([ApiSeries, WebSeries]);
        await Expect(page.Locator("#metrics-legend .metrics-legend-last")).ToHaveTextAsync(["200", "100"]);
        await Expect(page.Locator("#metrics-summary")).ToHaveTextAsync(new Regex("^2 series · step 15s$"));
        Assert.Equal(2, await ChartAsync<int>("c => c.data.datasets.length"));
        Assert.Equal("200,100", await ChartAsync<string>("c => c.data.datasets.map(d => d.data.filter(p => p.y !== null).at(-1).y).join()"));
        await ExpectParameterAsync("q", Requests);

        // Hovering the plot shows both series' values at that time.
        var canvas = page.Locator("#metrics-chart");
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.97f), box.Y + (box.Height / 2));
        await Poll.UntilAsync(() => ChartAsync<int>("c => c.tooltip.getActiveElements().length"), n => n == 2, TimeSpan.FromSeconds(5), "a tooltip with two values");

        // A click on a legend entry hides its series, a second shows it again; Shift+click shows only that one.
        var web = page.Locator("#metrics-legend .metrics-legend-item").Nth(1);
        await web.ClickAsync();
        await Expect(web).ToHaveAttributeAsync("aria-pressed", "false");
        Assert.Equal("true,false", await VisibleAsync());
        await web.ClickAsync();
        Assert.Equal("true,true", await VisibleAsync());
        await web.ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        Assert.Equal("false,true", await VisibleAsync());
        await Expect(page.Locator("#metrics-legend .metrics-legend-item").First).ToHaveAttributeAsync("aria-pressed", "false");
        await web.ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        Assert.Equal("true,true", await VisibleAsync());

        // The table view lists each series' last value, as the API gave it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Table", Exact = true }).ClickAsync();
        await Expect(page.Locator("#metrics-last-table")).ToBeVisibleAsync();
        await Expect(page.Locator("#metrics-last-table .metrics-series-name")).ToHaveTextAsync([ApiSeries, WebSeries]);
        await Expect(page.Locator("#metrics-last-table .metrics-last-value")).ToHaveTextAsync(["200", "100"]);
        await ExpectParameterAsync("view", "table");
        await page.GetByRole(AriaRole.Button, new() { Name = "Graph", Exact = true }).ClickAsync();

        // Dragging across the plot zooms into that range: a fixed from/to in the URL and a new run.
        await AfterNextRunAsync(async () =>
        {
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.55f), box.Y + (box.Height / 2));
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.75f), box.Y + (box.Height / 2), new() { Steps = 5 });
            await page.Mouse.MoveAsync(box.X + (box.Width * 0.95f), box.Y + (box.Height / 2), new() { Steps = 5 });
            await page.Mouse.UpAsync();
        });
        await ExpectParameterAsync("from", null, present: true);
        await ExpectParameterAsync("range", null);
        await Expect(LegendNames).ToHaveTextAsync([ApiSeries, WebSeries]);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Typing_offers_metric_names_label_names_and_values_from_the_keyboard() => session.RunAsync(async page =>
    {
        await SendKnownSamplesAsync();
        await OpenAsync("/metrics");
        var suggestions = page.GetByRole(AriaRole.Listbox, new() { Name = "Suggestions" });

        await QueryA.ClickAsync();
        await QueryA.PressSequentiallyAsync("http_re");
        await Expect(suggestions).ToBeVisibleAsync();
        await Expect(QueryA).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(suggestions.GetByRole(AriaRole.Option).First).ToContainTextAsync(Requests);
        await Expect(suggestions.GetByRole(AriaRole.Option).First).ToHaveAttributeAsync("aria-selected", "true");
        await QueryA.PressAsync("Tab");
        await Expect(QueryA).ToHaveValueAsync(Requests);
        await Expect(suggestions).ToBeHiddenAsync();

        await QueryA.PressSequentiallyAsync("{se");
        await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await Expect(suggestions.GetByRole(AriaRole.Option).First).ToContainTextAsync("service");
        await QueryA.PressAsync("Enter");
        await Expect(QueryA).ToHaveValueAsync("http_requests_total{service");

        await QueryA.PressSequentiallyAsync("=");
        await Expect(suggestions.Locator(".metrics-suggestion-label")).ToHaveTextAsync(["api", "web"]);
        await QueryA.PressAsync("ArrowDown");
        await Expect(suggestions.GetByRole(AriaRole.Option).Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await QueryA.PressAsync("Enter");
        await Expect(QueryA).ToHaveValueAsync(WebSeries[..^1]);

        // Escape closes the list without choosing; Enter then runs the query.
        await QueryA.PressSequentiallyAsync("}");
        await QueryA.PressAsync("Control+Space");
        await Expect(suggestions).ToBeVisibleAsync();
        await QueryA.PressAsync("Escape");
        await Expect(suggestions).ToBeHiddenAsync();
        await AfterNextRunAsync(() => QueryA.PressAsync("Enter"));
        await Expect(QueryA).ToHaveValueAsync(WebSeries);
        await Expect(LegendNames).ToHaveTextAsync([WebSeries]);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_query_that_does_not_parse_is_marked_at_the_position_the_API_names() => session.RunAsync(async page =>
    {
        await SendKnownSamplesAsync();
        await OpenAsync("/metrics");
        session.ExpectFailedResponse("/api/v1/query_range", 400);

        const string Bad = "sum(http_requests_total{service=\"api\" status=\"200\"})";
        string apiError = await data.BadQueryErrorAsync(Bad);
        var position = PositionInError().Match(apiError);
        Assert.True(position.Success, $"the API names no line:column in: {apiError}");
        int column = int.Parse(position.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("1", position.Groups[1].Value);
        Assert.Equal(Bad.IndexOf("status", StringComparison.Ordinal) + 1, column);

        await RunQueryAsync(QueryA, Bad);

        var error = page.Locator("[data-query-row][data-letter='A'] [data-error]");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error.Locator("[data-error-position]")).ToHaveTextAsync($"at line 1, column {column}");
        await Expect(error.Locator("[data-error-message]")).ToContainTextAsync($"at 1:{column}");
        Assert.Equal(Bad + "\n" + new string(' ', column - 1) + "^", await error.Locator("[data-error-snippet]").TextContentAsync());
        await Expect(page.Locator(".query-mark")).ToHaveTextAsync("s");
        await Expect(QueryA).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(column - 1, await QueryA.EvaluateAsync<int>("input => input.selectionStart"));
        await Expect(page.Locator("#metrics-problem")).ToBeHiddenAsync();

        // Fixing the query clears the mark and charts again.
        await RunQueryAsync(QueryA, "sum(http_requests_total{service=\"api\", status=\"200\"})");
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator(".query-mark")).ToHaveCountAsync(0);
        await Expect(page.Locator("#metrics-status")).ToHaveTextAsync("No series: the query matched nothing in this time range.");

        await RunQueryAsync(QueryA, "sum(http_requests_total)");
        await Expect(LegendNames).ToHaveTextAsync(["sum(http_requests_total)"]);
        await Expect(page.Locator("#metrics-status")).ToBeHiddenAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_catalog_lists_each_metric_and_a_click_puts_it_into_the_editor() => session.RunAsync(async page =>
    {
        await SendKnownSamplesAsync();
        await OpenAsync("/metrics");

        var catalog = page.Locator("#metrics-catalog-list");
        var requests = catalog.Locator($".metrics-catalog-item[data-metric='{Requests}']");
        await Expect(catalog.Locator(".metrics-catalog-name")).ToHaveTextAsync(["http_requests_total", "queue_depth"]);
        await Expect(requests.Locator("[data-type]")).ToHaveTextAsync("counter");
        await Expect(requests.Locator("[data-series-count]")).ToHaveTextAsync("2 series");
        await Expect(requests.Locator("[data-last-seen]")).ToHaveTextAsync(new Regex("^last seen \\d+ (s|min) ago$"));
        await Expect(catalog.Locator(".metrics-catalog-item[data-metric='queue_depth'] [data-type]")).ToHaveTextAsync("gauge");
        await Expect(page.Locator("#metrics-catalog-summary")).ToHaveTextAsync("2 metrics · 3 series");

        await AfterNextRunAsync(() => requests.Locator(".metrics-catalog-name").ClickAsync());
        await Expect(QueryA).ToHaveValueAsync(Requests);
        await Expect(LegendNames).ToHaveTextAsync([ApiSeries, WebSeries]);

        // Its labels fold out; a value narrows the query to it.
        await requests.Locator("summary").ClickAsync();
        await Expect(requests.Locator("dt")).ToHaveTextAsync(["service 2"]);
        await AfterNextRunAsync(() => requests.GetByRole(AriaRole.Button, new() { Name = "web", Exact = true }).ClickAsync());
        await Expect(QueryA).ToHaveValueAsync(WebSeries);
        await Expect(LegendNames).ToHaveTextAsync([WebSeries]);

        await page.Locator("#metrics-catalog-search").FillAsync("queue");
        await Expect(catalog.Locator(".metrics-catalog-item:visible .metrics-catalog-name")).ToHaveTextAsync(["queue_depth"]);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Several_queries_share_one_chart_and_the_URL_brings_the_whole_view_back() => session.RunAsync(async page =>
    {
        await SendKnownSamplesAsync();
        await OpenAsync("/metrics");

        await QueryA.FillAsync(ApiSeries);
        await page.Locator("[data-query-row][data-letter='A'] [data-legend]").FillAsync("{{service}} requests");
        await page.Locator("#metrics-add-query").ClickAsync();
        var queryB = page.Locator("[data-query-row][data-letter='B'] [data-input]");
        await queryB.FillAsync("queue_depth * 2");
        await page.Locator("[data-query-row][data-letter='B'] [data-legend]").FillAsync("depth of {{queue}}");
        await page.Locator("#metrics-step").FillAsync("30s");
        await AfterNextRunAsync(() => page.Locator("#metrics-run").ClickAsync());

        await Expect(LegendNames).ToHaveTextAsync(["api requests", "depth of mail"]);
        await Expect(page.Locator("#metrics-legend .metrics-legend-letter")).ToHaveTextAsync(["A", "B"]);
        await Expect(page.Locator("#metrics-legend .metrics-legend-last")).ToHaveTextAsync(["200", "14"]);
        await Expect(page.Locator("#metrics-summary")).ToHaveTextAsync("2 series · step 30s");
        await AfterNextRunAsync(() => page.Locator("#metrics-range [data-range='6h']").ClickAsync());
        await ExpectParameterAsync("range", "6h");
        string shared = page.Url;

        // Somewhere else, then the shared address: the same queries, legends, step and range, and the same chart.
        await session.GotoAsync("/");
        await OpenAsync(new Uri(shared).PathAndQuery);
        await Expect(QueryA).ToHaveValueAsync(ApiSeries);
        await Expect(page.Locator("[data-query-row][data-letter='B'] [data-input]")).ToHaveValueAsync("queue_depth * 2");
        await Expect(page.Locator("[data-query-row][data-letter='B'] [data-legend]")).ToHaveValueAsync("depth of {{queue}}");
        await Expect(page.Locator("#metrics-step")).ToHaveValueAsync("30s");
        await Expect(page.Locator("#metrics-range [data-range='6h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(LegendNames).ToHaveTextAsync(["api requests", "depth of mail"]);
        await Expect(page.Locator("#metrics-summary")).ToHaveTextAsync("2 series · step 30s");

        // Removing a query takes its series off the chart and out of the URL.
        await AfterNextRunAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Remove query B" }).ClickAsync());
        await Expect(LegendNames).ToHaveTextAsync(["api requests"]);
        Assert.Single(QueryParameters(page.Url, "q"));
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_fresh_org_is_shown_a_signed_curl_that_stores_a_first_sample_and_the_page_picks_it_up() => session.RunAsync(async page =>
    {
        await OpenAsync("/metrics");

        var empty = page.Locator("#metrics-no-data");
        await Expect(empty).ToBeVisibleAsync();
        await Expect(empty.GetByRole(AriaRole.Heading, new() { Name = "No metrics yet" })).ToBeVisibleAsync();
        await Expect(page.Locator("#metrics-guide-create-key")).ToContainTextAsync($"keys create --org default --name first --scopes ingest,read --json --data {session.DataDir}");
        await Expect(page.Locator("#metrics-guide-send-batch")).ToContainTextAsync($"curl -sS -X POST {session.App.Url}/v1/metrics");
        await Expect(page.Locator("#metrics-body")).ToBeHiddenAsync();
        await Expect(QueryA).ToBeVisibleAsync();

        // The snippet as shown, with a real key filled in, stores a sample.
        string snippet = (await page.Locator("#metrics-guide-send-batch").TextContentAsync())!
            .Replace("KEY_ID='obs_…'", $"KEY_ID='{data.KeyId}'", StringComparison.Ordinal)
            .Replace("ORG_SECRET='…'", $"ORG_SECRET='{data.Secret}'", StringComparison.Ordinal);
        string output = await BashAsync(snippet);
        Assert.Contains("\"accepted\":1", output, StringComparison.Ordinal);

        await Poll.UntilAsync(
            async () =>
            {
                await AfterNextRunAsync(() => page.Locator("#metrics-run").ClickAsync());
                return await empty.IsHiddenAsync();
            },
            hidden => hidden,
            TimeSpan.FromSeconds(20),
            "the empty state to go once the sample is in the catalog");
        await Expect(page.Locator("#metrics-catalog-list .metrics-catalog-name")).ToHaveTextAsync([AegisGuard.Pages.Metrics.IndexModel.FirstMetric]);
        await AfterNextRunAsync(() => page.Locator("#metrics-catalog-list .metrics-catalog-name").ClickAsync());
        await Expect(LegendNames).ToHaveTextAsync([$"{AegisGuard.Pages.Metrics.IndexModel.FirstMetric}{{service=\"api\"}}"]);
        session.AssertNoProblems();
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    /// <summary>Two counter series (api, web) every 30 s for ten minutes up to 200 and 100, and one gauge at 7.</summary>
    private Task SendKnownSamplesAsync()
    {
        long step = 30_000;
        var last = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / step * step) - step);
        var samples = new List<object>();
        for (int k = 0; k <= 20; k++)
        {
            var at = last.AddSeconds(-30 * (20 - k));
            samples.Add(MetricsBrowserSupport.Sample(Requests, "counter", 10 * k, at, new { service = "api" }));
            samples.Add(MetricsBrowserSupport.Sample(Requests, "counter", 5 * k, at, new { service = "web" }));
        }

        samples.Add(MetricsBrowserSupport.Sample("queue_depth", "gauge", 7, last, new { queue = "mail" }));
        return data.SendAsync("{__name__=~\"http_requests_total|queue_depth\"}", 3, last, [.. samples]);
    }

    private async Task OpenAsync(string path)
    {
        Assert.Equal(200, await session.GotoAsync(path));
        await Expect(Page.Locator("#metrics-explorer")).ToHaveAttributeAsync("data-runs", new Regex("^[1-9]"));
    }

    private Task RunQueryAsync(ILocator input, string query) => AfterNextRunAsync(async () =>
    {
        await input.FillAsync(query);
        await input.PressAsync("Escape");
        await input.PressAsync("Enter");
    });

    /// <summary>Does <paramref name="action"/> and waits until the page has completed another run (its data-runs count moved).</summary>
    private async Task AfterNextRunAsync(Func<Task> action)
    {
        string runs = await Page.Locator("#metrics-explorer").GetAttributeAsync("data-runs") ?? "0";
        await action();
        await Expect(Page.Locator("#metrics-explorer")).ToHaveAttributeAsync("data-runs", new Regex($"^(?!{runs}$)\\d+$"));
    }

    private Task<string> VisibleAsync() => ChartAsync<string>("c => c.data.datasets.map((_, i) => c.isDatasetVisible(i)).join()");

    private Task<T> ChartAsync<T>(string expression) =>
        Page.EvaluateAsync<T>($"() => ({expression})(Chart.getChart(document.getElementById('metrics-chart')))");

    private static string[] QueryParameters(string url, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query).TryGetValue(name, out var value) ? [.. value.Select(v => v ?? "")] : [];

    private Task<string?> ExpectParameterAsync(string name, string? expected, bool present = false) =>
        Poll.UntilAsync(
            () => Task.FromResult(QueryParameters(Page.Url, name).FirstOrDefault()),
            value => present ? value is not null : value == expected,
            TimeSpan.FromSeconds(5),
            $"?{name}={expected} in {Page.Url}");

    private static async Task<string> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"the snippet failed ({process.ExitCode}): {error}");
        return output;
    }

    [GeneratedRegex("\\bat (\\d+):(\\d+)\\b")]
    private static partial Regex PositionInError();
}

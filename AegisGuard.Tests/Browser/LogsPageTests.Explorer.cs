using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The Logs explorer's issue #10 behaviours: metric charts without lines across empty steps, one error for a broken
/// query, live tail of metric queries, auto-refresh on a fixed range, JSON messages and columns, the time zone, the
/// range of a trace, autocompletion, saved views and the phone layout.
/// </summary>
public sealed partial class LogsPageTests
{
    [Fact]
    public Task A_metric_chart_has_no_line_across_empty_steps_and_no_repeated_axis_labels() => session.RunAsync(async page =>
    {
        // Two bursts five minutes apart: the steps between them have no line at all.
        await data.SendAsync(4,
            LogsBrowserSupport.Line("early one", "api", "info", 400),
            LogsBrowserSupport.Line("early two", "api", "info", 400),
            LogsBrowserSupport.Line("late one", "api", "info", 30),
            LogsBrowserSupport.Line("late two", "api", "info", 30));
        const string count = "sum(count_over_time({}[1m]))";
        await OpenAsync($"/logs?range=15m&query={Uri.EscapeDataString(count)}");
        await Expect(page.Locator("#logs-metric")).ToBeVisibleAsync();

        using (var chart = JsonDocument.Parse(await MetricChartAsync(page)))
        {
            var dataset = chart.RootElement.GetProperty("datasets")[0];
            Assert.False(dataset.GetProperty("spanGaps").GetBoolean());
            var ys = dataset.GetProperty("ys").EnumerateArray().Select(y => y.ValueKind == JsonValueKind.Null ? (double?)null : y.GetDouble()).ToList();
            // Between the bursts the count is 0 at every step (a drawn zero), not a point left out and bridged.
            int first = ys.FindIndex(y => y > 0);
            int last = ys.FindLastIndex(y => y > 0);
            Assert.True(first >= 0 && last > first, string.Join(',', ys));
            Assert.Contains(ys.Skip(first).Take(last - first), y => y == 0);
            Assert.DoesNotContain(ys, y => y is null);
            Assert.Equal(2, ys.Max());
        }

        // A rate of a few lines a minute: ticks 0.001 apart must not all read "0" or "0.01".
        await RunQueryAsync("sum(rate({}[5m]))");
        using var rate = JsonDocument.Parse(await MetricChartAsync(page));
        var labels = rate.RootElement.GetProperty("yLabels").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.True(labels.Count >= 2, string.Join(" | ", labels));
        Assert.Equal(labels.Count, labels.Distinct().Count());
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_broken_query_is_one_failing_request_with_one_error_and_dims_what_is_on_screen() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);
        session.ExpectFailedResponse("/api/logs/query", 400);
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/logs/", StringComparison.Ordinal))
            {
                lock (asked)
                {
                    asked.Add(new Uri(request.Url).AbsolutePath);
                }
            }
        };

        await RunQueryAsync("{service=\"api\", | json");

        await Expect(page.Locator("#logs-query-error")).ToBeVisibleAsync();
        lock (asked)
        {
            Assert.Equal(["/api/logs/query"], asked);
        }

        await Expect(page.Locator("#logs-problem")).ToBeHiddenAsync();
        await Expect(page.Locator("#logs-results")).ToHaveClassAsync(new Regex("is-stale"));
        await Expect(page.Locator("#logs-volume")).ToHaveClassAsync(new Regex("is-stale"));
        await Expect(page.Locator("#logs-facets")).ToHaveClassAsync(new Regex("is-stale"));
        await Expect(page.Locator("#logs-service")).ToBeDisabledAsync();

        // Fixed: everything is current again, and a text the server accepted asks all three at once.
        await RunQueryAsync("{service=\"api\"}");
        await Expect(Messages).ToHaveTextAsync([L5Shown, L2Shown, L1]);
        await Expect(page.Locator("#logs-results")).Not.ToHaveClassAsync(new Regex("is-stale"));
        await Expect(page.Locator("#logs-service")).ToBeEnabledAsync();
        await Expect(page.Locator("#logs-service")).ToHaveValueAsync("api");
    });

    [Fact]
    public Task Live_tail_redraws_a_metric_chart_and_keeps_volume_and_level_counts_current() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        const string query = "sum(count_over_time({}[15m]))";
        await OpenAsync($"/logs?range=15m&query={Uri.EscapeDataString(query)}");
        await Expect(page.Locator("#logs-metric")).ToBeVisibleAsync();
        await Expect(page.Locator("#logs-levels [data-level='fatal'] [data-count]")).ToHaveTextAsync("0");

        await page.Locator("#logs-live").ClickAsync();
        await Expect(page.Locator("#logs-live-status")).ToContainTextAsync("Live");
        await data.SendAsync(6, LogsBrowserSupport.Line("a fatal one", "api", "fatal", 0));

        await Expect(page.Locator("#logs-series-table tbody tr td:nth-child(3)")).ToHaveTextAsync(["6"], new() { Timeout = 20_000 });
        await Expect(page.Locator("#logs-volume")).ToHaveAttributeAsync("data-total", "6");
        await Expect(page.Locator("#logs-levels [data-level='fatal'] [data-count]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#logs-live-status")).ToContainTextAsync("Live · chart updated");

        // Lines: the tail brings volume and level counts along with the lines.
        await page.Locator("#logs-live").ClickAsync();
        await RunQueryAsync("{}");
        await page.Locator("#logs-live").ClickAsync();
        await data.SendAsync(7, LogsBrowserSupport.Line("another warning", "web", "warn", 0));
        await Expect(Messages.First).ToHaveTextAsync("another warning", new() { Timeout = 20_000 });
        await Expect(page.Locator("#logs-levels [data-level='warn'] [data-count]")).ToHaveTextAsync("2");
        await Expect(page.Locator("#logs-volume")).ToHaveAttributeAsync("data-total", "7");
        session.AssertNoProblems();
    });

    [Fact]
    public Task Auto_refresh_on_a_zoomed_range_says_it_reruns_that_window_and_can_follow_now() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        string from = DateTime.UtcNow.AddMinutes(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string to = DateTime.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        await OpenAsync($"/logs?from={from}&to={to}");
        await Expect(page.Locator("#logs-refresh-note")).ToBeHiddenAsync();

        await page.Locator("#logs-refresh").SelectOptionAsync("10s");

        var note = page.Locator("#logs-refresh-note");
        await Expect(note).ToBeVisibleAsync();
        await Expect(note).ToContainTextAsync("Auto-refresh re-runs this fixed range");
        await note.GetByRole(AriaRole.Button, new() { Name = "Follow now instead" }).ClickAsync();
        await ExpectParameterAsync("range", "1h");
        await ExpectParameterAsync("from", null);
        await Expect(page.Locator("#logs-range [data-range='1h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(note).ToBeHiddenAsync();
        await ExpectParameterAsync("refresh", "10s");
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_json_message_shows_its_msg_and_fields_and_a_field_can_become_a_column_kept_in_the_url() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveTextAsync([L5Shown, L4, L3, L2Shown, L1]);
        await Expect(Row(L2Shown).Locator(".log-field")).ToHaveTextAsync(["status=502", "user_id=42"]);
        await Expect(Row(L1).Locator(".log-field")).ToHaveCountAsync(0);

        await Row(L2Shown).Locator(".log-summary").ClickAsync();
        var detail = Row(L2Shown).Locator(".log-detail");
        await Expect(detail.Locator(".log-detail-message")).ToHaveTextAsync(L2);
        await JsonRow(detail, "user_id:").HoverAsync();
        await JsonRow(detail, "user_id:").GetByRole(AriaRole.Button, new() { Name = "Column" }).ClickAsync();
        await JsonRow(detail, "region:").HoverAsync();
        await JsonRow(detail, "region:").GetByRole(AriaRole.Button, new() { Name = "Column" }).ClickAsync();

        await ExpectParameterAsync("columns", "user_id,region");
        await Expect(page.Locator("#logs-columns [data-column]")).ToHaveTextAsync([new Regex("^user_id"), new Regex("^region")]);
        await Expect(page.Locator("#logs-list .log-column[data-column='user_id']")).ToHaveTextAsync(["7", "", "", "42", ""]);
        await Expect(page.Locator("#logs-list .log-column[data-column='region']")).ToHaveTextAsync(["us", "eu", "us", "eu", "us"]);

        await page.ReloadAsync(new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.Locator("#logs-list .log-column[data-column='user_id']")).ToHaveTextAsync(["7", "", "", "42", ""]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove column user_id" }).ClickAsync();
        await ExpectParameterAsync("columns", "region");
        await Expect(page.Locator("#logs-list .log-column[data-column='user_id']")).ToHaveCountAsync(0);

        // Times: the browser's zone by default (named on the button), UTC on request, kept in the URL.
        var tz = page.Locator("#logs-tz");
        await Expect(tz).ToHaveTextAsync(new Regex("^Local \\(.+, UTC[+−]\\d\\d:\\d\\d\\)$"));
        await tz.ClickAsync();
        await Expect(tz).ToHaveTextAsync("UTC");
        await ExpectParameterAsync("tz", "utc");
        string shown = (await page.Locator("#logs-list .log-time").First.TextContentAsync())!;
        string expected = await page.EvaluateAsync<string>("""
            () => {
                const time = document.querySelector('#logs-list .log-time');
                const ms = Date.parse(time.dateTime.replace(/(\.\d{3})\d+/, '$1'));
                return new Intl.DateTimeFormat(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
                    fractionalSecondDigits: 3, hourCycle: 'h23', timeZone: 'UTC' }).format(ms);
            }
            """);
        Assert.Equal(expected, shown);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Show_logs_of_this_trace_centres_the_range_on_the_lines_of_the_trace() => session.RunAsync(async page =>
    {
        // The trace's lines are three hours old; the page shows the last 24 hours.
        await data.SendAsync(1,
            LogsBrowserSupport.Line("trace starts", "api", "info", 3 * 3600, traceId: "old-trace"),
            LogsBrowserSupport.Line("trace ends", "db", "info", (3 * 3600) - 600, traceId: "old-trace"),
            LogsBrowserSupport.Line("recent", "api", "info", 5));
        await OpenAsync("/logs?range=24h");
        await Expect(Messages).ToHaveTextAsync(["recent", "trace ends", "trace starts"]);

        await Row("trace ends").Locator(".log-summary").ClickAsync();
        await AfterNextRunAsync(() => Row("trace ends").GetByRole(AriaRole.Button, new() { Name = "Show logs of this trace" }).ClickAsync());

        await Expect(QueryInput).ToHaveValueAsync("{trace_id=\"old-trace\"}");
        await Expect(Messages).ToHaveTextAsync(["trace ends", "trace starts"]);
        await ExpectParameterAsync("range", null);
        var from = DateTimeOffset.Parse((await ExpectParameterAsync("from", null, present: true))!, CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(QueryParameter(page.Url, "to")!, CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        // Ten minutes of trace and a minute of margin either side.
        Assert.InRange((now - from).TotalMinutes, 180.5, 182);
        Assert.InRange((now - to).TotalMinutes, 168, 169.5);
        await Expect(page.Locator("#logs-range [data-range='custom']")).ToHaveAttributeAsync("aria-pressed", "true");
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_query_editor_completes_labels_values_and_fields_from_the_keyboard() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);
        var options = page.Locator("#logs-completions [role='option']");

        await QueryInput.ClickAsync();
        await QueryInput.FillAsync("");
        await QueryInput.PressSequentiallyAsync("{serv");
        await Expect(page.Locator("#logs-completions")).ToBeVisibleAsync();
        await Expect(options).ToHaveTextAsync(["service"]);
        await Expect(QueryInput).ToHaveAttributeAsync("aria-expanded", "true");
        await QueryInput.PressAsync("Tab");
        await Expect(QueryInput).ToHaveValueAsync("{service=\"\"");
        await Expect(QueryInput).ToBeFocusedAsync();

        // Values of the label, chosen with the arrows and taken with Enter (which does not run the query).
        await Expect(options).ToHaveTextAsync(["api", "db", "web"]);
        int runs = int.Parse((await page.Locator("#logs-explorer").GetAttributeAsync("data-runs"))!, CultureInfo.InvariantCulture);
        await QueryInput.PressAsync("ArrowDown");
        await QueryInput.PressAsync("ArrowDown");
        await Expect(options.Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(QueryInput).ToHaveAttributeAsync("aria-activedescendant", "logs-completions-1");
        await QueryInput.PressAsync("Enter");
        await Expect(QueryInput).ToHaveValueAsync("{service=\"db\"");
        await Expect(page.Locator("#logs-completions")).ToBeHiddenAsync();
        Assert.Equal(runs.ToString(CultureInfo.InvariantCulture), await page.Locator("#logs-explorer").GetAttributeAsync("data-runs"));

        // Field names of the results after | json; Esc closes, then Enter runs.
        await QueryInput.PressSequentiallyAsync("} | json | ");
        await Expect(options).ToContainTextAsync(["msg", "status", "user_id"]);
        await QueryInput.PressSequentiallyAsync("us");
        await Expect(options).ToHaveTextAsync(["user_id", "status"]);
        await QueryInput.PressAsync("Escape");
        await Expect(page.Locator("#logs-completions")).ToBeHiddenAsync();
        await Expect(QueryInput).ToHaveAttributeAsync("aria-expanded", "false");
        await QueryInput.FillAsync("{service=\"api\"} | json | status = 502");
        await AfterNextRunAsync(() => QueryInput.PressAsync("Enter"));
        await Expect(Messages).ToHaveTextAsync([L2Shown]);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_view_is_saved_listed_opened_and_deleted_from_the_page() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await OpenAsync($"/logs?range=6h&columns=user_id&query={Uri.EscapeDataString("{service=\"api\"}")}");
        await Expect(Messages).ToHaveTextAsync([L5Shown, L2Shown, L1]);

        var menu = page.Locator("#logs-views");
        await page.Locator("#logs-views-button").ClickAsync();
        await Expect(page.Locator("#logs-views-empty")).ToBeVisibleAsync();
        await page.Locator("#logs-view-name").FillAsync("API lines");
        await page.Locator("#logs-view-shared").CheckAsync();
        await page.Locator("#logs-view-save").ClickAsync();
        var items = menu.Locator(".logs-view");
        await Expect(items.Locator(".logs-view-name")).ToHaveTextAsync(["API lines"]);
        await Expect(items.Locator(".logs-view-meta")).ToHaveTextAsync(["last 6h · shared"]);

        // Somewhere else, then back to the view.
        await OpenAsync("/logs?range=15m");
        await Expect(Messages).ToHaveCountAsync(5);
        await page.Locator("#logs-views-button").ClickAsync();
        await AfterNextRunAsync(() => items.Locator(".logs-view-open").First.ClickAsync());
        await Expect(QueryInput).ToHaveValueAsync("{service=\"api\"}");
        await Expect(page.Locator("#logs-range [data-range='6h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#logs-columns [data-column]")).ToHaveTextAsync([new Regex("^user_id")]);
        await Expect(Messages).ToHaveTextAsync([L5Shown, L2Shown, L1]);
        await ExpectParameterAsync("columns", "user_id");

        await page.Locator("#logs-views-button").ClickAsync();
        await menu.GetByRole(AriaRole.Button, new() { Name = "Delete view API lines" }).ClickAsync();
        await Expect(items).ToHaveCountAsync(0);
        await Expect(page.Locator("#logs-views-empty")).ToBeVisibleAsync();
        var listed = await session.ApiOkAsync("GET", "/api/views");
        Assert.Equal(0, listed.GetArrayLength());
        session.AssertNoProblems();
    });

    [Fact]
    public Task On_a_phone_the_query_bar_keeps_run_custom_and_examples_on_screen() => session.RunAsync(async page =>
    {
        await SendKnownLinesAsync();
        await page.SetViewportSizeAsync(390, 844);
        await OpenAsync("/logs");
        await Expect(Messages).ToHaveCountAsync(5);

        foreach (string selector in PhoneControls)
        {
            var control = page.Locator(selector);
            await Expect(control).ToBeVisibleAsync();
            var box = (await control.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 390.5, $"{selector} is at x {box.X} to {box.X + box.Width} of 390");
        }

        int overflow = await page.EvaluateAsync<int>("() => document.getElementById('logs-explorer').scrollWidth - document.getElementById('logs-explorer').clientWidth");
        Assert.True(overflow <= 0, $"the query bar is {overflow} px wider than its card");
        await page.Locator("#logs-range [data-range='custom']").ClickAsync();
        await Expect(page.Locator("#logs-range [data-custom]")).ToBeVisibleAsync();
        await AfterNextRunAsync(() => page.Locator("#logs-run").ClickAsync());
        session.AssertNoProblems();
    });

    private static readonly string[] PhoneControls = ["#logs-run", "#logs-range [data-range='custom']", ".logs-examples > summary", "#logs-query", "#logs-service"];

    /// <summary>The metric chart's datasets (label, spanGaps, y values) and its y axis labels, as JSON.</summary>
    private static Task<string> MetricChartAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
            const chart = window.Chart.getChart(document.getElementById('logs-metric-chart'));
            return JSON.stringify({
                datasets: chart.data.datasets.map(d => ({ label: d.label, spanGaps: d.spanGaps, ys: d.data.map(p => p.y) })),
                yLabels: chart.scales.y.ticks.map(t => t.label),
            });
        }
        """);
}

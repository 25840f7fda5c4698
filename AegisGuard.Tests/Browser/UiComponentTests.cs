using System.Text.Encodings.Web;
using System.Text.Json;
using AegisGuard.Pages.Components;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The reusable UI pieces later pages are built from (wwwroot/js modules and their tag helpers), exercised in a real
/// page of the running appliance under the strict CSP: modules are imported the way pages import them.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class UiComponentTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task The_json_viewer_expands_collapses_copies_and_offers_value_actions() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/");
        await page.EvaluateAsync("""
            async () => {
                const { renderJson } = await import('/js/json-viewer.js');
                const host = document.createElement('div');
                host.id = 'viewer';
                document.querySelector('main').append(host);
                window.acted = [];
                renderJson(host, { service: 'api', http: { status: 502, headers: { accept: 'text/html' } }, tags: ['a', 'b'], ok: false, none: null }, {
                    expandDepth: 1,
                    actions: [{ label: 'Filter', title: 'Filter by this value', onClick: (path, value) => window.acted.push({ path, value }) }],
                });
            }
            """);
        var viewer = page.Locator("#viewer");

        await Expect(viewer.Locator(".json-row", new() { HasText = "service:" }).First).ToContainTextAsync("\"api\"");
        await Expect(viewer.GetByText("status:")).ToBeVisibleAsync();
        await Expect(viewer.GetByText("accept:")).ToBeHiddenAsync();
        await Expect(viewer.Locator(".json-null")).ToHaveTextAsync("null");

        await viewer.GetByRole(AriaRole.Button, new() { Name = "headers: {1 key}" }).ClickAsync();
        await Expect(viewer.GetByText("accept:")).ToBeVisibleAsync();

        await viewer.GetByRole(AriaRole.Button, new() { Name = "Collapse all" }).ClickAsync();
        await Expect(viewer.GetByText("service:")).ToBeHiddenAsync();
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Expand all" }).ClickAsync();
        await Expect(viewer.GetByText("accept:")).ToBeVisibleAsync();

        var statusRow = viewer.Locator(".json-row", new() { HasText = "status:" });
        await statusRow.HoverAsync();
        await statusRow.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        Assert.Equal("502", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        var serviceRow = viewer.Locator(".json-row", new() { HasText = "service:" });
        await serviceRow.HoverAsync();
        await serviceRow.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        string acted = await page.EvaluateAsync<string>("() => JSON.stringify(window.acted)");
        Assert.Equal("""[{"path":["service"],"value":"api"}]""", acted);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_failed_api_call_shows_its_problem_title_detail_and_field_errors_in_the_banner() => session.RunAsync(async page =>
    {
        var (id, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        session.ExpectFailedResponse("/api/logs?limit=0", 400);
        await session.GotoAsync("/");
        await page.EvaluateAsync("""
            () => {
                const banner = document.createElement('div');
                banner.id = 'banner';
                banner.hidden = true;
                document.querySelector('main').prepend(banner);
            }
            """);

        // A real validation problem from the server: /api/logs with limit=0.
        await page.EvaluateAsync("""
            async (bearer) => {
                const { getJson } = await import('/js/api.js');
                const { showProblem } = await import('/js/problem-banner.js');
                try {
                    await getJson('/api/logs?limit=0', { headers: { Authorization: `Bearer ${bearer}` } });
                } catch (error) {
                    showProblem(document.getElementById('banner'), error);
                }
            }
            """, $"{id}.{secret}");
        var banner = page.Locator("#banner");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToHaveAttributeAsync("role", "alert");
        await Expect(banner.Locator(".alert-title")).ToHaveTextAsync("One or more validation errors occurred.");
        await Expect(banner.Locator(".alert-detail")).ToHaveTextAsync("The query parameters are invalid.");
        await Expect(banner.Locator(".alert-fields li[data-field=limit]")).ToContainTextAsync("must be a whole number from 1 to 10000");
        await Expect(banner.Locator(".alert-meta")).ToContainTextAsync("HTTP 400");

        // Dismissable, and markup in a problem's text stays text.
        await banner.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(banner).ToBeHiddenAsync();
        await page.EvaluateAsync("""
            async () => {
                const { showProblem } = await import('/js/problem-banner.js');
                showProblem(document.getElementById('banner'), { title: '<img src=x>', detail: 'plain' });
            }
            """);
        await Expect(banner.Locator(".alert-title")).ToHaveTextAsync("<img src=x>");
        Assert.Equal(0, await banner.Locator("img").CountAsync());
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_fetch_wrapper_sends_the_page_csrf_token_on_unsafe_requests_only() => session.RunAsync(async page =>
    {
        var seen = new List<(string Method, string? Token, string? ContentType)>();
        await page.RouteAsync("**/api/echo", async route =>
        {
            var headers = await route.Request.AllHeadersAsync();
            lock (seen)
            {
                seen.Add((route.Request.Method, headers.GetValueOrDefault("x-csrf-token"), headers.GetValueOrDefault("content-type")));
            }

            await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = """{"ok":true}""" });
        });
        await session.GotoAsync("/");
        string token = (await page.Locator("meta[name=csrf-token]").GetAttributeAsync("content"))!;
        Assert.False(string.IsNullOrWhiteSpace(token));

        string answers = await page.EvaluateAsync<string>("""
            async () => {
                const api = await import('/js/api.js');
                const got = await api.getJson('/api/echo');
                const posted = await api.postJson('/api/echo', { name: 'k' });
                const deleted = await api.deleteJson('/api/echo');
                return JSON.stringify([got, posted, deleted]);
            }
            """);

        Assert.Equal("""[{"ok":true},{"ok":true},{"ok":true}]""", answers);
        Assert.Equal(3, seen.Count);
        Assert.Equal(("GET", (string?)null), (seen[0].Method, seen[0].Token));
        Assert.Equal(("POST", token, "application/json"), seen[1]);
        Assert.Equal(("DELETE", token), (seen[2].Method, seen[2].Token));
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_time_range_picker_keeps_presets_and_custom_ranges_in_the_url() => session.RunAsync(async page =>
    {
        string markup = await RenderAsync(new TimeRangePickerTagHelper { Id = "range", Default = "1h" }, "time-range-picker");
        await session.GotoAsync("/?keep=1");
        await MountPickerAsync(page, markup);

        var picker = page.Locator("#range");
        await Expect(picker.Locator("[data-range='1h']")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(picker.Locator("[data-label]")).ToHaveTextAsync("Last 1 hour");

        await picker.GetByRole(AriaRole.Button, new() { Name = "24h" }).ClickAsync();
        Assert.EndsWith("/?keep=1&range=24h", page.Url, StringComparison.Ordinal);
        await Expect(picker.Locator("[data-label]")).ToHaveTextAsync("Last 24 hours");
        double spanHours = await page.EvaluateAsync<double>("() => { const r = document.getElementById('range').timeRange.current(); return (r.to - r.from) / 3600000; }");
        Assert.Equal(24, spanHours, precision: 6);
        Assert.Equal("24h", await page.EvaluateAsync<string>("() => window.changes.at(-1).preset"));

        // Custom range: validated, then written to the URL as ISO 8601 and restored from it after a reload.
        await picker.GetByRole(AriaRole.Button, new() { Name = "Custom" }).ClickAsync();
        await picker.Locator("input[name=from]").FillAsync("2025-10-31T12:00");
        await picker.Locator("input[name=to]").FillAsync("2025-10-31T10:00");
        await picker.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(picker.Locator("[data-error]")).ToHaveTextAsync("\"From\" must be before \"to\".");
        await picker.Locator("input[name=to]").FillAsync("2025-10-31T13:30");
        await picker.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(picker.Locator("[data-custom]")).ToBeHiddenAsync();
        await Expect(picker.Locator("[data-range=custom]")).ToHaveAttributeAsync("aria-pressed", "true");
        var url = new Uri(page.Url);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query);
        Assert.False(query.ContainsKey("range"));
        Assert.Equal("1", query["keep"]);
        var from = DateTimeOffset.Parse(query["from"]!, System.Globalization.CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(query["to"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(90), to - from);

        await page.ReloadAsync();
        await MountPickerAsync(page, markup);
        long restoredFrom = await page.EvaluateAsync<long>("() => document.getElementById('range').timeRange.current().from.getTime()");
        Assert.Equal(from.ToUnixTimeMilliseconds(), restoredFrom);
        await Expect(picker.Locator("[data-label]")).ToContainTextAsync("2025-10-31");
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_chart_helper_stacks_a_level_histogram_and_reports_a_drag_to_zoom() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/");
        await page.AddScriptTagAsync(new() { Url = "/lib/chart.js/chart.umd.js" });
        long start = new DateTimeOffset(2025, 10, 31, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        string labels = await page.EvaluateAsync<string>("""
            async (start) => {
                const { histogramChart } = await import('/js/charts.js');
                const box = document.createElement('div');
                box.className = 'chart-box';
                const canvas = document.createElement('canvas');
                canvas.id = 'histogram';
                box.append(canvas);
                document.querySelector('main').append(box);
                const buckets = Array.from({ length: 10 }, (_, i) => ({ time: start + i * 60000, counts: { info: 10 + i, error: i % 3, warn: 1 } }));
                window.zoomed = null;
                const chart = histogramChart(canvas, { buckets, stepMs: 60000, utc: true, onZoom: (from, to) => { window.zoomed = [from.getTime(), to.getTime()]; } });
                return JSON.stringify({ labels: chart.data.datasets.map(d => d.label), stacked: chart.options.scales.y.stacked });
            }
            """, start);
        Assert.Equal("""{"labels":["error","warn","info"],"stacked":true}""", labels);

        await page.Locator("#histogram").ScrollIntoViewIfNeededAsync();
        var box = (await page.Locator("#histogram").BoundingBoxAsync())!;
        float y = box.Y + box.Height / 2;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.3f, y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, y, new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + box.Width * 0.7f, y, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        // Chart.js hands events to plugins on the next animation frame.
        await page.WaitForFunctionAsync("() => window.zoomed !== null", null, new() { Timeout = 5_000 });
        string zoomed = await page.EvaluateAsync<string>("() => JSON.stringify(window.zoomed)");
        var range = JsonSerializer.Deserialize<long[]>(zoomed);
        Assert.True(range is { Length: 2 }, $"onZoom was not called: {zoomed}");
        Assert.True(range[0] < range[1], zoomed);
        Assert.InRange(range[0], start, start + 9 * 60_000);
        Assert.InRange(range[1], start, start + 9 * 60_000);
        session.AssertNoProblems();
    });

    private static async Task MountPickerAsync(IPage page, string markup) =>
        await page.EvaluateAsync("""
            async (markup) => {
                document.querySelector('main').insertAdjacentHTML('beforeend', markup);
                const { initTimeRangePicker } = await import('/js/time-range.js');
                window.changes = [];
                initTimeRangePicker(document.getElementById('range'), { onChange: (range) => window.changes.push(range) });
            }
            """, markup);

    /// <summary>The HTML a tag helper renders, as Razor would write it into a page.</summary>
    private static async Task<string> RenderAsync(TagHelper helper, string tagName)
    {
        var context = new TagHelperContext(tagName, [], new Dictionary<object, object>(), Guid.NewGuid().ToString("N"));
        var output = new TagHelperOutput(tagName, [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        await helper.ProcessAsync(context, output);
        using var writer = new StringWriter();
        output.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

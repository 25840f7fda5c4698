using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>The Overview page and the layout around it, in Chromium against the real executable.</summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed partial class OverviewPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task A_fresh_appliance_shows_how_to_send_a_first_batch() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/"));

        await Expect(page).ToHaveTitleAsync("Overview · AegisGuard");
        var empty = page.Locator("[data-empty-state]");
        await Expect(empty.GetByRole(AriaRole.Heading, new() { Name = "No telemetry yet" })).ToBeVisibleAsync();
        await Expect(page.Locator("#guide-create-key")).ToContainTextAsync($"keys create --org default --name first --scopes ingest,read --json --data {session.DataDir}");
        await Expect(page.Locator("#guide-send-batch")).ToContainTextAsync($"curl -sS -X POST {session.App.Url}/v1/logs");
        await Expect(page.Locator("#guide-read-back")).ToContainTextAsync($"{session.App.Url}/api/logs");
        await Expect(page.Locator(".stat-card")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-ingest-state]")).ToHaveTextAsync("Accepting batches");
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Default");
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_copy_button_puts_the_command_on_the_clipboard() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/");
        var block = page.Locator("figure.code-block").Filter(new() { Has = page.Locator("#guide-create-key") });

        await block.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();

        await Expect(block.GetByRole(AriaRole.Button)).ToContainTextAsync("Copied");
        string clipboard = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(await page.Locator("#guide-create-key").TextContentAsync(), clipboard);
        session.AssertNoProblems();
    });

    [Fact]
    public Task After_signed_ingestion_the_overview_counts_the_stored_events_and_charts_them() => session.RunAsync(async page =>
    {
        var (id, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        using var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        var client = new SignedClient(http, id, secret);
        using (var accepted = await client.PostAsync("/v1/logs", Some.Logs(3)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await Poll.UntilAsync(
            async () =>
            {
                await session.GotoAsync("/");
                return await page.Locator("[data-signal=logs] .stat-value").CountAsync();
            },
            cards => cards == 1,
            TimeSpan.FromSeconds(20),
            "the logs card");

        var logs = page.Locator("[data-signal=logs]");
        await Expect(logs.Locator(".stat-value")).ToHaveTextAsync("3");
        await Expect(logs).ToContainTextAsync("1 file");
        await Expect(logs).ToContainTextAsync("Newest event");
        await Expect(page.Locator("[data-signal=metrics] .stat-value")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-empty-state]")).ToHaveCountAsync(0);

        // Chart.js is loaded and drew today's 3 logs into the volume chart.
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.Chart === 'function'"));
        double charted = await page.EvaluateAsync<double>("""
            () => {
                const chart = window.Chart.getChart(document.getElementById('volume-chart'));
                const logs = chart.data.datasets.find(d => d.label === 'Logs');
                return logs.data.reduce((sum, p) => sum + p.y, 0);
            }
            """);
        Assert.Equal(3, charted);
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_empty_state_commands_store_a_log_line_when_pasted_into_a_shell() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/");
        string createKey = (await page.Locator("#guide-create-key").TextContentAsync())!;
        string sendBatch = (await page.Locator("#guide-send-batch").TextContentAsync())!;

        var (exit, output) = await ShellAsync(createKey);
        Assert.True(exit == 0, output);
        using var key = JsonDocument.Parse(output.Trim().Split('\n').Last(l => l.StartsWith('{')));
        string script = KeyIdLine().Replace(sendBatch, $"KEY_ID='{key.RootElement.GetProperty("id").GetString()}'");
        script = SecretLine().Replace(script, $"ORG_SECRET='{key.RootElement.GetProperty("secret").GetString()}'");

        (exit, output) = await ShellAsync(script);
        Assert.True(exit == 0, output);
        Assert.Contains("\"accepted\":1", output, StringComparison.Ordinal);

        await Poll.UntilAsync(
            async () =>
            {
                await session.GotoAsync("/");
                return await page.Locator("[data-signal=logs] .stat-value").CountAsync();
            },
            cards => cards == 1,
            TimeSpan.FromSeconds(20),
            "the logs card");
        await Expect(page.Locator("[data-signal=logs] .stat-value")).ToHaveTextAsync("1");
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_sidebar_lists_every_area_and_disables_the_ones_not_built_yet() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Areas" });
        var built = AegisGuard.Pages.AppShell.NavigationMenu.Sections.SelectMany(s => s.Items).Where(i => i.IsAvailable).ToList();
        var soon = AegisGuard.Pages.AppShell.NavigationMenu.Sections.SelectMany(s => s.Items).Where(i => !i.IsAvailable).Select(i => (i.Title, i.Href)).ToList();
        Assert.Contains(("RUM", "/rum"), soon);

        var overview = nav.GetByRole(AriaRole.Link, new() { Name = "Overview", Exact = true });
        await Expect(overview).ToHaveAttributeAsync("aria-current", "page");
        await Expect(overview).ToHaveAttributeAsync("href", "/");
        foreach (var (title, href) in soon)
        {
            var item = nav.Locator($"[data-nav='{href}']");
            await Expect(item.Locator(".nav-label")).ToHaveTextAsync(title);
            await Expect(item).ToBeVisibleAsync();
            await Expect(item).ToHaveAttributeAsync("aria-disabled", "true");
            await Expect(item.Locator(".badge-soon")).ToHaveTextAsync("soon");
            Assert.Null(await item.GetAttributeAsync("href"));
        }

        // The first admin may use every built area: each is a link.
        await Expect(nav.GetByRole(AriaRole.Link)).ToHaveCountAsync(built.Count);
        foreach (var item in built)
        {
            await Expect(nav.Locator($"a[data-nav='{item.Href}']")).ToHaveAttributeAsync("href", item.Href);
        }

        await Expect(nav.Locator(".nav-section-title")).ToHaveTextAsync(["Observe", "Alerting", "Organisation", "Admin"]);

        await nav.Locator("[data-nav='/rum']").HoverAsync();
        await Expect(page.GetByRole(AriaRole.Tooltip)).ToContainTextAsync("Real User Monitoring");
        await nav.Locator("[data-nav='/usage']").FocusAsync();
        await Expect(page.GetByRole(AriaRole.Tooltip)).ToContainTextAsync("usage and billing");
        session.AssertNoProblems();
    });

    [Fact]
    public Task Error_pages_render_in_the_layout_with_the_right_status() => session.RunAsync(async page =>
    {
        Assert.Equal(404, await session.GotoAsync("/no/such/page"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-path]")).ToHaveTextAsync("/no/such/page");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Areas" })).ToBeVisibleAsync();

        Assert.Equal(404, await session.GotoAsync("/monitors"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Monitors is not available yet" })).ToBeVisibleAsync();

        Assert.Equal(403, await session.GotoAsync("/forbidden"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You don’t have access to this" })).ToBeVisibleAsync();

        Assert.Equal(503, await session.GotoAsync("/status/503"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Temporarily unavailable" })).ToBeVisibleAsync();
        session.AssertNoProblems();
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static async Task<(int ExitCode, string Output)> ShellAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("^KEY_ID='[^']*'", RegexOptions.Multiline)]
    private static partial Regex KeyIdLine();

    [GeneratedRegex("^ORG_SECRET='[^']*'", RegexOptions.Multiline)]
    private static partial Regex SecretLine();
}

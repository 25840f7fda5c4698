using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// First-run details in a real browser: the API reference works offline and shows only this API, the key form says
/// one thing about a missing name, and pages renew their access token before it expires.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class FirstRunPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task The_api_reference_loads_without_outside_requests_or_console_errors_and_without_vendor_buttons() => session.RunAsync(async page =>
    {
        var outside = new List<string>();
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                lock (outside)
                {
                    outside.Add(request.Url);
                }
            }
        };

        // The harness adds its strict test policy to every document; /docs is the one page served with its own (hashes of
        // Scalar's inline boot script), so it is fetched as the appliance serves it and judged by that policy alone.
        await page.RouteAsync("**/docs/**", route => route.ContinueAsync());
        await session.GotoAsync("/docs/");
        await Expect(page.GetByText("AegisGuard API").First).ToBeVisibleAsync();

        Assert.Empty(outside);
        Assert.Equal(0, await page.GetByText("Ask AI").CountAsync());
        Assert.Equal(0, await page.GetByText("Deploy", new() { Exact = true }).CountAsync());
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_key_without_a_name_gets_one_message_next_to_the_field() => session.RunAsync(async page =>
    {
        await session.GotoAsync("/admin/keys");
        await page.Locator("#key-name").FillAsync("   ");
        await page.Locator("[data-create-button]").ClickAsync();

        await Expect(page.Locator("#key-name-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#key-name-error")).ToContainTextAsync("Give the key a name");
        Assert.Equal(1, await page.GetByText("Give the key a name").CountAsync());
        Assert.Equal(0, await page.GetByText("is required and must be at most 100 characters").CountAsync());
    });

    [Fact]
    public Task A_page_renews_its_access_token_before_it_expires() => session.RunAsync(async page =>
    {
        var calls = new List<(string Path, int Status)>();
        page.Response += (_, response) =>
        {
            lock (calls)
            {
                calls.Add((new Uri(response.Url).AbsolutePath, response.Status));
            }
        };
        await page.Clock.InstallAsync();
        await session.GotoAsync("/admin/keys");
        double lifetime = double.Parse(await page.Locator("meta[name=session-lifetime]").GetAttributeAsync("content") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(300, lifetime);

        // Four minutes and ten seconds later (the token lives five): the renewal a minute before expiry has run.
        await page.Clock.FastForwardAsync(250_000);
        await Support.Poll.UntilAsync(() => Task.FromResult(Snapshot()), seen => seen.Any(c => c.Path == "/api/auth/refresh"), what: "a POST /api/auth/refresh");

        var seen = Snapshot();
        Assert.Contains(seen, c => c.Path == "/api/auth/refresh" && c.Status == 200);
        Assert.DoesNotContain(seen, c => c.Status == 401);

        List<(string Path, int Status)> Snapshot()
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

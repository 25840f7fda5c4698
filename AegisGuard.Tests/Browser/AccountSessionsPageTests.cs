using System.Net;
using System.Net.Http.Json;
using AegisGuard.Identity.Users;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// In Chromium against the real executable: the profile lists the user's sessions and signs out the others (one or
/// all), and the users page shows a throttled member with the time it ends and unlocks them.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class AccountSessionsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task The_profile_lists_the_sessions_and_signs_out_one_or_all_of_the_others() => session.RunAsync(async page =>
    {
        using var laptop = await OtherDeviceAsync(UserService.FirstAdminEmail, BrowserSession.AdminPassword, "LaptopBrowser/1.0");
        using var phone = await OtherDeviceAsync(UserService.FirstAdminEmail, BrowserSession.AdminPassword, "PhoneBrowser/2.0");

        Assert.Equal(200, await session.GotoAsync("/account"));
        var rows = page.Locator("[data-sessions] tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        var current = page.Locator("[data-sessions] tr[data-current=true]");
        await Expect(current).ToHaveCountAsync(1);
        await Expect(current).ToContainTextAsync("this browser");
        await Expect(current.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        // One: the phone's row.
        var phoneRow = page.Locator("[data-sessions] tbody tr", new() { HasText = "PhoneBrowser/2.0" });
        await phoneRow.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Sign out the session") }).ClickAsync();
        await Expect(page.Locator("[data-flash=success]")).ToContainTextAsync("That session was signed out.");
        await Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/auth/me")).StatusCode);

        // All the others.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out all other sessions" }).ClickAsync();
        await Expect(page.Locator("[data-flash=success]")).ToContainTextAsync("1 other session was signed out.");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out all other sessions" })).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(200, (await session.ApiAsync("GET", "/api/auth/me")).Status);
        session.AssertNoProblems();
    });

    [Fact]
    public Task The_users_page_shows_a_throttled_member_until_when_and_unlocks_them() => session.RunAsync(async page =>
    {
        string invitation = await session.AddMemberAsync("carol@example.com", "USER");
        using var guesser = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        string temporary = BrowserSession.MemberPassword;
        using (var carolsBrowser = new HttpClient { BaseAddress = new Uri(session.App.Url) })
        {
            Assert.Equal(HttpStatusCode.OK, (await carolsBrowser.PostAsJsonAsync("/api/invitations/accept", new { token = invitation, password = temporary })).StatusCode);
        }

        for (int i = 1; i <= 5; i++)
        {
            await guesser.PostAsJsonAsync("/api/auth/login", new { email = "carol@example.com", password = $"Guess-Number-{i}" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.PostAsJsonAsync("/api/auth/login", new { email = "carol@example.com", password = temporary })).StatusCode);

        Assert.Equal(200, await session.GotoAsync("/admin/users"));
        var carol = page.Locator("tr[data-member='carol@example.com'] [data-sign-in]");
        await Expect(carol).ToContainTextAsync("Throttled");
        await Expect(carol).ToContainTextAsync("1 address until");
        await Expect(page.Locator($"tr[data-member='{UserService.FirstAdminEmail}'] [data-sign-in]")).ToContainTextAsync("Normal");

        await carol.GetByRole(AriaRole.Button, new() { Name = "Unlock carol@example.com" }).ClickAsync();
        await Expect(page.Locator("[data-flash=success]")).ToContainTextAsync("carol@example.com can sign in again");
        await Expect(page.Locator("tr[data-member='carol@example.com'] [data-sign-in]")).ToContainTextAsync("Normal");
        Assert.Equal(HttpStatusCode.OK, (await guesser.PostAsJsonAsync("/api/auth/login", new { email = "carol@example.com", password = temporary })).StatusCode);

        await session.GotoAsync("/admin/audit?action=auth.unlocked");
        await Expect(page.Locator("tbody.audit-entry")).ToHaveCountAsync(1);
        session.AssertNoProblems();
    });

    /// <summary>Another browser of the same person: a plain HTTP client with its own cookies, signed in through the API.</summary>
    private async Task<HttpClient> OtherDeviceAsync(string email, string password, string userAgent)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(session.App.Url) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return client;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

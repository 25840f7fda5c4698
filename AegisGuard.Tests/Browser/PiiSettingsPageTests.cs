using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>The opt-in PII rules on the org settings page, in Chromium against the real executable.</summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class PiiSettingsPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task The_ip_and_phone_rules_start_off_and_each_toggle_is_saved_on_its_own() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/admin/settings"));
        var ip = page.GetByRole(AriaRole.Checkbox, new() { Name = "IP addresses" });
        var phone = page.GetByRole(AriaRole.Checkbox, new() { Name = "Phone numbers" });
        await Expect(ip).Not.ToBeCheckedAsync();
        await Expect(phone).Not.ToBeCheckedAsync();

        await ip.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/settings$"));
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("Settings saved.");
        await Expect(ip).ToBeCheckedAsync();
        await Expect(phone).Not.ToBeCheckedAsync();
        var saved = await session.ApiOkAsync("GET", "/api/org/settings");
        Assert.True(saved.GetProperty("pii_ip_addresses").GetBoolean());
        Assert.False(saved.GetProperty("pii_phone_numbers").GetBoolean());

        await ip.UncheckAsync();
        await phone.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("Settings saved.");
        await Expect(ip).Not.ToBeCheckedAsync();
        await Expect(phone).ToBeCheckedAsync();
        saved = await session.ApiOkAsync("GET", "/api/org/settings");
        Assert.False(saved.GetProperty("pii_ip_addresses").GetBoolean());
        Assert.True(saved.GetProperty("pii_phone_numbers").GetBoolean());
        session.AssertNoProblems();
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}

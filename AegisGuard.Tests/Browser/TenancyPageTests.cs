using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Tenancy a person can run, in Chromium against the real executable: the instance administrator's page creates an org
/// whose owner joins through the invitation link, and a person invited into two orgs accepts both (as a new person, then
/// signed in with the account) and switches between them in the top bar. Org members see their org's pipeline card only.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class TenancyPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task An_instance_admin_creates_an_org_on_the_instance_page_and_its_owner_joins_through_the_link() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/"));
        await Expect(page.Locator("[data-pipeline-scope]")).ToHaveAttributeAsync("data-pipeline-scope", "appliance");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Areas" });
        await nav.Locator("a[data-nav='/admin/instance']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/instance$"));
        await Expect(page.Locator("[data-org='default'] [data-members]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-instance-admins]")).ToContainTextAsync("admin@aegis.local");

        await page.GetByLabel("Slug").FillAsync("Not A Slug");
        await page.GetByLabel("Owner's e-mail address").FillAsync("olga@acme.example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create org" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=Slug]")).ToContainTextAsync("lower-case letters");

        await page.GetByLabel("Slug").FillAsync("acme");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Acme Corp");
        await page.GetByLabel("Owner's e-mail address").FillAsync("olga@acme.example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create org" }).ClickAsync();
        await Expect(page.Locator("[data-invited]")).ToContainTextAsync("Org acme created; olga@acme.example.com is invited to Acme Corp as OWNER");
        string link = (await page.Locator("#invite-link").TextContentAsync())!.Trim();
        await Expect(page.Locator("[data-org='acme'] [data-members]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-org='acme'] [data-pending]")).ToHaveTextAsync("1");

        await session.SignOutAsync();
        Assert.Equal(200, await session.GotoAsync(new Uri(link).PathAndQuery));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Join Acme Corp" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-invitation-for]")).ToContainTextAsync("OWNER");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserSession.MemberPassword);
        await page.GetByLabel("Password again").FillAsync("Something-Else-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=ConfirmPassword]")).ToContainTextAsync("differ");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserSession.MemberPassword);
        await page.GetByLabel("Password again").FillAsync(BrowserSession.MemberPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Acme Corp");
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("You joined Acme Corp as OWNER");
        await Expect(page.Locator("[data-pipeline-scope]")).ToHaveAttributeAsync("data-pipeline-scope", "org");
        await Expect(page.Locator("[data-pipeline-scope]")).Not.ToContainTextAsync("Rows written");
        await Expect(nav.Locator("[data-nav='/admin/instance']")).ToHaveCountAsync(0);
        await Expect(nav.Locator("a[data-nav='/admin/users']")).ToBeVisibleAsync(); // an OWNER of Acme
        Assert.Equal(403, await session.GotoAsync("/admin/instance"));

        Assert.Equal(404, await session.GotoAsync(new Uri(link).PathAndQuery)); // used once
        await Expect(page.Locator("[data-invitation-invalid]")).ToBeVisibleAsync();
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_person_invited_into_two_orgs_accepts_both_and_switches_between_them() => session.RunAsync(async page =>
    {
        string csrf = await session.CsrfTokenAsync();
        await session.ApiOkAsync("POST", "/api/instance/orgs", new { slug = "beta", name = "Beta", owner_email = "owner@beta.example.com" }, csrf, expected: 201);
        var intoBeta = await session.ApiOkAsync("POST", "/api/instance/orgs/beta/invitations", new { email = "sam@example.com", role = "VIEWER" }, csrf, expected: 201);
        string betaPath = new Uri(intoBeta.GetProperty("accept_url").GetString()!).PathAndQuery;
        string intoDefault = await session.AddMemberAsync("sam@example.com", "USER");

        // A new person: the first link makes the account.
        await session.SignOutAsync();
        await session.GotoAsync($"/invite/{intoDefault}");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserSession.MemberPassword);
        await page.GetByLabel("Password again").FillAsync(BrowserSession.MemberPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and join" }).ClickAsync();
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Default");
        await Expect(page.Locator(".org-menu")).ToHaveCountAsync(0); // one org: no switcher yet

        // The second link, opened after signing out: the account signs in and comes back to accept.
        await session.SignOutAsync();
        await session.GotoAsync(betaPath);
        await page.Locator("[data-sign-in-to-accept]").ClickAsync();
        await page.GetByLabel("E-mail address").FillAsync("sam@example.com");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserSession.MemberPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(betaPath) + "$"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept and join Beta" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("You joined Beta as VIEWER");
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Beta");

        // Both orgs in the switcher; switching changes the org the pages show.
        await page.Locator(".org-menu > summary").ClickAsync();
        await Expect(page.Locator("[data-switch-org]")).ToHaveCountAsync(2);
        await page.Locator("[data-switch-org='default']").ClickAsync();
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Default");
        await page.Locator(".org-menu > summary").ClickAsync();
        await page.Locator("[data-switch-org='beta']").ClickAsync();
        await Expect(page.Locator("[data-org-name]")).ToHaveTextAsync("Beta");
        session.AssertNoProblems();
    });

    [Fact]
    public Task Signed_in_as_someone_else_the_invitation_page_says_so_and_offers_no_accept() => session.RunAsync(async page =>
    {
        string token = await session.AddMemberAsync("tess@example.com", "USER");
        Assert.Equal(200, await session.GotoAsync($"/invite/{token}"));
        await Expect(page.Locator("[data-wrong-account]")).ToContainTextAsync("signed in as admin@aegis.local");
        await Expect(page.Locator("[data-accept-invitation]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-create-account]")).ToHaveCountAsync(0);
        session.AssertNoProblems();
    });

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}

using System.Net;
using System.Text.RegularExpressions;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Support;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// The admin pages in Chromium against the real executable, signed in as the first admin: API keys (the secret shown
/// once works for signed ingestion; revoke and rotate), the audit log with its filters, org settings with field errors,
/// members and roles — and a USER who can open none of them.
/// </summary>
[Collection(BrowserTestGroup.Name)]
[Trait("Category", "Browser")]
public sealed class AdminPageTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly string[] AdminPages = ["/admin/users", "/admin/keys", "/admin/audit", "/admin/settings"];

    private BrowserSession session = null!;

    public async Task InitializeAsync() => session = await BrowserSession.StartAsync(browser);

    public async Task DisposeAsync() => await session.DisposeAsync();

    [Fact]
    public Task A_key_created_on_the_page_works_at_once_and_revoke_rotate_and_the_audit_log_follow() => session.RunAsync(async page =>
    {
        using var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        Assert.Equal(200, await session.GotoAsync("/admin/keys"));
        await Expect(page.Locator("[data-keys-empty]")).ToContainTextAsync("No API keys yet");
        await Expect(page.Locator("[data-keys-list]")).ToBeHiddenAsync();

        // Without a name the page says why next to the field, once: no request, so no second copy in the banner
        // (the API's own 422 for an empty name is covered by the HTTP tests).
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.Locator("[data-error-for=name]")).ToContainTextAsync("Give the key a name");
        await Expect(page.Locator("#keys-problem")).Not.ToContainTextAsync("422");

        // Create: the secret is shown once and works for signed ingestion and Bearer reads right away.
        var (firstId, firstSecret) = await CreateKeyAsync(page, "agent-one", read: true);
        await Expect(page.Locator("#new-key-send")).ToContainTextAsync($"KEY_ID='{firstId}'");
        await Expect(page.Locator("#new-key-send")).ToContainTextAsync($"ORG_SECRET='{firstSecret}'");
        await Expect(page.Locator("#new-key-send")).ToContainTextAsync($"{session.App.Url}/v1/logs");
        await Expect(page.Locator("#new-key-read")).ToContainTextAsync($"Bearer {firstId}.{firstSecret}");
        var first = new SignedClient(http, firstId, firstSecret);
        Assert.Equal(HttpStatusCode.Accepted, (await first.PostAsync("/v1/logs", Some.Logs(2, "from the keys page"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/logs")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Expect(page.Locator("[data-key-secret]")).ToBeHiddenAsync();
        Assert.DoesNotContain(firstSecret, await page.ContentAsync(), StringComparison.Ordinal);
        await session.GotoAsync("/admin/keys");
        Assert.DoesNotContain(firstSecret, await page.ContentAsync(), StringComparison.Ordinal);
        var firstRow = Row(page, firstId);
        await Expect(firstRow).ToContainTextAsync("agent-one");
        await Expect(firstRow).ToContainTextAsync("Active");
        await Expect(firstRow.Locator("td").Nth(4)).Not.ToHaveTextAsync("never"); // last used: the ingestion above

        // Rotate a second key: new secret, and the old one keeps working through the grace period.
        var (secondId, secondSecret) = await CreateKeyAsync(page, "agent-two", read: false);
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Row(page, secondId).GetByRole(AriaRole.Button, new() { Name = "Give agent-two a new secret" }).ClickAsync();
        await Expect(Row(page, secondId)).ToContainTextAsync("the old one keeps working for 1 hour");
        await Row(page, secondId).GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Expect(page.Locator("[data-secret-title]")).ToHaveTextAsync("Key “agent-two” has a new secret");
        await Expect(page.Locator("[data-rotation-note]")).ToContainTextAsync("previous secret keeps working until");
        await Expect(page.Locator("[data-new-key-id]")).ToHaveTextAsync(secondId);
        string rotatedSecret = (await page.Locator("[data-new-key-secret]").TextContentAsync())!;
        Assert.NotEqual(secondSecret, rotatedSecret);
        Assert.Equal(HttpStatusCode.Accepted, (await new SignedClient(http, secondId, rotatedSecret).PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await new SignedClient(http, secondId, secondSecret).PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        await Expect(Row(page, secondId)).ToContainTextAsync("Rotated");

        // Revoke the first: refused at once.
        await Row(page, firstId).GetByRole(AriaRole.Button, new() { Name = "Revoke agent-one" }).ClickAsync();
        await Row(page, firstId).GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(page.Locator("[data-keys-status]")).ToContainTextAsync($"({firstId}) is revoked");
        await Expect(Row(page, firstId)).ToContainTextAsync("Revoked");
        await Expect(Row(page, firstId).GetByRole(AriaRole.Button)).ToHaveCountAsync(1); // only "Copy" is left
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.PostAsync("/v1/logs", Some.Logs(1))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/logs")).StatusCode);

        // The audit log shows all of it, newest first, and filters it.
        Assert.Equal(200, await session.GotoAsync("/admin/audit?action=key."));
        await Expect(page.Locator("tbody.audit-entry")).ToHaveCountAsync(4);
        Assert.Equal(["key.revoked", "key.rotated", "key.created", "key.created"], await Attributes(page.Locator("tbody.audit-entry"), "data-action"));
        await Expect(page.Locator("[data-outcome-badge]").First).ToHaveTextAsync("success");
        await Expect(page.Locator("tbody.audit-entry").First).ToContainTextAsync(firstId);
        await Expect(page.Locator("tbody.audit-entry").First).ToContainTextAsync(UserService.FirstAdminEmail);

        await page.GetByLabel("Action").SelectOptionAsync("key.rotated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("action=key.rotated"));
        var rotated = page.Locator("tbody.audit-entry");
        await Expect(rotated).ToHaveCountAsync(1);
        await rotated.GetByRole(AriaRole.Button, new() { Name = "Details" }).ClickAsync();
        await Expect(rotated.Locator(".json-viewer")).ToContainTextAsync("previous_secret_valid_until");
        await Expect(rotated.Locator(".audit-facts")).ToContainTextAsync("Mozilla");

        // A failed sign-in shows under outcome "failure"; a range in the future matches nothing.
        Assert.Equal(401, (await session.ApiAsync("POST", "/api/auth/login", new { email = UserService.FirstAdminEmail, password = "Wrong-password-99" })).Status);
        await session.SignInAsAdminAsync();
        await session.GotoAsync("/admin/audit");
        await page.GetByLabel("Outcome").SelectOptionAsync("failure");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("tbody.audit-entry")).ToHaveCountAsync(1);
        await Expect(page.Locator("tbody.audit-entry")).ToContainTextAsync("auth.login_failed");
        await Expect(page.Locator("[data-outcome-badge]")).ToHaveClassAsync(new Regex("badge-failure"));

        await page.GetByLabel("From (UTC)").FillAsync(DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("[data-empty-state]")).ToContainTextAsync("No entries match these filters");
        await page.GetByRole(AriaRole.Link, new() { Name = "Last hour" }).ClickAsync();
        await Expect(page.Locator("tbody.audit-entry")).ToHaveCountAsync(1);
        await page.Locator("[data-clear-filters]").ClickAsync();
        await Expect(page.Locator("[data-audit-range]")).ToContainTextAsync("Showing 1–");
        session.AssertNoProblems();
    });

    [Fact]
    public Task When_the_access_token_has_expired_the_page_script_renews_the_session_and_carries_on() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/admin/keys"));
        await page.Context.ClearCookiesAsync(new() { Name = AegisGuard.Identity.Sessions.SessionCookies.Access });
        session.ExpectFailedResponse("/api/keys", 401); // the first try, before the script refreshes

        await page.GetByLabel("Name").FillAsync("after-expiry");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(page.Locator("[data-secret-title]")).ToHaveTextAsync("Key “after-expiry” created");
        await Expect(page.Locator("#keys-problem")).ToBeHiddenAsync();
        var names = (await session.ApiOkAsync("GET", "/api/keys")).EnumerateArray().Select(k => k.GetProperty("name").GetString()).ToList();
        Assert.Equal(["after-expiry"], names);
        session.AssertNoProblems();
    });

    [Fact]
    public Task Org_settings_show_the_error_next_to_a_bad_cidr_and_save_a_good_list() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/admin/settings"));
        var allowlist = page.GetByLabel("Allowed addresses and ranges, one per line");
        await Expect(allowlist).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Redact")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-client-address]")).ToHaveTextAsync("127.0.0.1");

        await allowlist.FillAsync("10.0.0.0/8\n10.1.2.300/24\n\nnot-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("[data-settings-error]")).ToContainTextAsync("Nothing was saved");
        await Expect(page.Locator("[data-field-error=IpAllowlist]")).ToHaveTextAsync("2 lines are not valid addresses or CIDR ranges.");
        await Expect(page.Locator("[data-allowlist-errors] li[data-line='2']")).ToContainTextAsync("10.1.2.300/24");
        await Expect(page.Locator("[data-allowlist-errors] li[data-line='4']")).ToContainTextAsync("not-an-address");
        await Expect(allowlist).ToHaveValueAsync("10.0.0.0/8\n10.1.2.300/24\n\nnot-an-address");

        await allowlist.FillAsync("10.0.0.0/8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=IpAllowlist]")).ToContainTextAsync("does not include your own address 127.0.0.1");

        await allowlist.FillAsync("10.0.0.0/8\n127.0.0.1/32\n2001:db8::/32");
        await page.GetByLabel("Hash").CheckAsync();
        await page.GetByLabel("Keep telemetry for (days)").FillAsync("forty");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=RetentionDays]")).ToHaveTextAsync("“forty” is not a whole number.");
        await Expect(page.GetByLabel("Hash")).ToBeCheckedAsync();

        await page.GetByLabel("Keep telemetry for (days)").FillAsync("45");
        await page.GetByLabel("Ingestion rate limit (events per second)").FillAsync("2000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/settings$"));
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("Settings saved.");
        await Expect(allowlist).ToHaveValueAsync("10.0.0.0/8\n127.0.0.1/32\n2001:db8::/32");
        await Expect(page.GetByLabel("Hash")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Keep telemetry for (days)")).ToHaveValueAsync("45");

        var saved = await session.ApiOkAsync("GET", "/api/org/settings");
        Assert.Equal(["10.0.0.0/8", "127.0.0.1/32", "2001:db8::/32"], saved.GetProperty("ip_allowlist").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("hash", saved.GetProperty("pii_mode").GetString());
        Assert.Equal(45, saved.GetProperty("retention_days").GetInt32());
        Assert.Equal(2000, saved.GetProperty("ingest_rate_limit").GetInt32());
        await session.GotoAsync("/admin/audit?action=settings.changed");
        await Expect(page.Locator("tbody.audit-entry")).ToHaveCountAsync(1);
        session.AssertNoProblems();
    });

    [Fact]
    public Task An_admin_invites_a_member_who_accepts_then_changes_the_role_and_removes_them() => session.RunAsync(async page =>
    {
        Assert.Equal(200, await session.GotoAsync("/admin/users"));
        await Expect(page.Locator($"[data-member='{UserService.FirstAdminEmail}']")).ToContainTextAsync("you");

        await page.GetByLabel("E-mail address").FillAsync("not-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=Email]")).ToContainTextAsync("is not a valid e-mail address");

        await page.GetByLabel("E-mail address").FillAsync("carol@example.com");
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("VIEWER");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Expect(page.Locator("[data-invited]")).ToContainTextAsync("Invitation for carol@example.com created");
        string link = (await page.Locator("#invite-link").TextContentAsync())!.Trim();
        Assert.StartsWith($"{session.App.Url}/invite/", link, StringComparison.Ordinal);
        await Expect(page.Locator("[data-invitation='carol@example.com']")).ToContainTextAsync("VIEWER");
        await Expect(page.Locator("[data-member='carol@example.com']")).ToHaveCountAsync(0); // nobody joins before accepting

        await session.GotoAsync("/admin/users");
        Assert.DoesNotContain(link, await page.ContentAsync(), StringComparison.Ordinal); // the link is shown once
        using (var http = new HttpClient { BaseAddress = new Uri(session.App.Url) })
        using (var accept = await http.PostAsync("/api/invitations/accept", System.Net.Http.Json.JsonContent.Create(new { token = link[(link.LastIndexOf('/') + 1)..], password = BrowserSession.MemberPassword })))
        {
            Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        }

        await session.GotoAsync("/admin/users");
        var carol = page.Locator("[data-member='carol@example.com']");
        await Expect(carol.Locator("select[data-role]")).ToHaveValueAsync("VIEWER");
        await Expect(page.Locator("[data-invitation='carol@example.com']")).ToHaveCountAsync(0);

        await page.GetByLabel("E-mail address").FillAsync("carol@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Expect(page.Locator("[data-field-error=Email]")).ToContainTextAsync("already a member");

        await carol.Locator("select[data-role]").SelectOptionAsync("ADMIN");
        await carol.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("carol@example.com is now ADMIN.");
        await Expect(carol.Locator("select[data-role]")).ToHaveValueAsync("ADMIN");

        await carol.GetByText("Remove…").ClickAsync();
        await carol.GetByRole(AriaRole.Button, new() { Name = "Remove from organisation" }).ClickAsync();
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("carol@example.com was removed");
        await Expect(carol).ToHaveCountAsync(0);
        await session.GotoAsync("/admin/audit?actor=admin%40aegis.local&action=user.");
        Assert.Equal(["user.removed"], await Attributes(page.Locator("tbody.audit-entry"), "data-action"));
        await session.GotoAsync("/admin/audit?action=invitation.");
        Assert.Equal(["invitation.accepted", "invitation.created"], await Attributes(page.Locator("tbody.audit-entry"), "data-action"));
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_revoked_invitation_leaves_the_list_and_its_link_stops_working() => session.RunAsync(async page =>
    {
        string token = await session.AddMemberAsync("dave@example.com", "USER");
        Assert.Equal(200, await session.GotoAsync("/admin/users"));
        var pending = page.Locator("[data-invitation='dave@example.com']");
        await Expect(pending).ToContainTextAsync("USER");
        await pending.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator("[data-flash]")).ToContainTextAsync("The invitation was revoked");
        await Expect(pending).ToHaveCountAsync(0);

        await session.SignOutAsync();
        Assert.Equal(404, await session.GotoAsync($"/invite/{token}"));
        await Expect(page.Locator("[data-invitation-invalid]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-create-account]")).ToHaveCountAsync(0);
        session.AssertNoProblems();
    });

    [Fact]
    public Task A_user_sees_no_admin_navigation_and_gets_the_forbidden_page_for_admin_pages() => session.RunAsync(async page =>
    {
        string temporary = await session.AddMemberAsync("bob@example.com", "USER");
        await session.SignInAsMemberAsync("bob@example.com", temporary);

        Assert.Equal(200, await session.GotoAsync("/"));
        await Expect(page.Locator("[data-user-name]")).ToHaveTextAsync("bob@example.com");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Areas" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Overview" })).ToBeVisibleAsync();
        await Expect(nav.Locator(".nav-section-title")).Not.ToContainTextAsync(["Admin"]);
        await Expect(nav.Locator("[data-nav^='/admin']")).ToHaveCountAsync(0);
        Assert.DoesNotContain("/admin/", await page.ContentAsync(), StringComparison.Ordinal);

        foreach (string path in AdminPages)
        {
            Assert.Equal(403, await session.GotoAsync(path));
            await Expect(page).ToHaveURLAsync(new Regex("/forbidden$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You don’t have access to this" })).ToBeVisibleAsync();
        }

        Assert.Equal(200, await session.GotoAsync("/account"));
        await Expect(page.Locator("[data-account-role]")).ToHaveTextAsync("USER");
        session.AssertNoProblems();
    });

    private static async Task<(string Id, string Secret)> CreateKeyAsync(IPage page, string name, bool read)
    {
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("read query APIs").SetCheckedAsync(read);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.Locator("[data-secret-title]")).ToHaveTextAsync($"Key “{name}” created");
        string id = (await page.Locator("[data-new-key-id]").TextContentAsync())!;
        string secret = (await page.Locator("[data-new-key-secret]").TextContentAsync())!;
        Assert.StartsWith("obs_", id, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40, secret);
        await Expect(Row(page, id)).ToContainTextAsync(name);
        return (id, secret);
    }

    private static ILocator Row(IPage page, string keyId) => page.Locator($"tr[data-key='{keyId}']");

    private static async Task<string[]> Attributes(ILocator locator, string attribute) =>
        [.. await locator.EvaluateAllAsync<string[]>($"nodes => nodes.map(n => n.getAttribute('{attribute}'))")];

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}

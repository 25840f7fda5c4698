using System.Net;
using System.Text.RegularExpressions;
using AegisGuard.Identity.Sessions;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Sign-in for the web pages over plain HTTP (in-process host): which pages need a session, where anonymous visitors
/// and members without the permission are sent, the sign-in and sign-out forms, and antiforgery on every form post.
/// </summary>
public sealed partial class AccountPageHttpTests : IDisposable
{
    private static readonly string[] AdminPages = ["/admin/users", "/admin/keys", "/admin/audit", "/admin/settings"];

    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Theory]
    [InlineData("/")]
    [InlineData("/admin/users")]
    [InlineData("/admin/keys")]
    [InlineData("/admin/audit?action=key.")]
    [InlineData("/admin/settings")]
    [InlineData("/account")]
    [InlineData("/account/mfa")]
    [InlineData("/account/password")]
    public async Task Every_page_sends_an_anonymous_visitor_to_sign_in_and_back(string path)
    {
        var (status, _, response) = await PageForms.GetAsync(new SessionClient(factory).Http, path);

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal($"/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/login", HttpStatusCode.OK, "Sign in")]
    [InlineData("/forbidden", HttpStatusCode.Forbidden, "have access to this")]
    [InlineData("/no/such/page", HttpStatusCode.NotFound, "Page not found")]
    [InlineData("/healthz", HttpStatusCode.OK, "")]
    [InlineData("/css/site.css", HttpStatusCode.OK, ".auth-card")]
    [InlineData("/docs/", HttpStatusCode.OK, "AegisGuard API")]
    [InlineData("/openapi/v1.json", HttpStatusCode.OK, "/api/auth/login")]
    public async Task Sign_in_error_pages_static_files_and_the_api_docs_need_no_session(string path, HttpStatusCode expected, string content)
    {
        var (status, body, _) = await PageForms.GetAsync(new SessionClient(factory).Http, path);

        Assert.Equal(expected, status);
        Assert.Contains(content, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_does_not_take_an_api_key_in_place_of_a_sign_in()
    {
        var key = factory.CreateKey().Key;
        using var client = new SessionClient(factory).Http;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sign_in_form_starts_a_session_and_returns_to_the_page_asked_for()
    {
        await IdentityApp.AdminAsync(factory);
        var browser = new SessionClient(factory);

        using var response = await PageForms.SubmitAsync(browser.Http, "/login?returnUrl=%2Fadmin%2Faudit", "/login?returnUrl=%2Fadmin%2Faudit",
            new Dictionary<string, string> { ["Email"] = UserService.FirstAdminEmail, ["Password"] = IdentityApp.AdminPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/audit", response.Headers.Location!.OriginalString);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith(SessionCookies.Access + "=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(cookies, c => c.StartsWith(SessionCookies.Refresh + "=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var (status, html, _) = await PageForms.GetAsync(browser.Http, "/admin/audit");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-audit-entries", html, StringComparison.Ordinal);
        Assert.Contains("auth.login", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("/logout")]
    public async Task Signing_in_never_redirects_to_another_site_or_back_to_sign_out(string returnUrl)
    {
        await IdentityApp.AdminAsync(factory);
        var browser = new SessionClient(factory);
        string page = "/login?returnUrl=" + Uri.EscapeDataString(returnUrl);

        using var response = await PageForms.SubmitAsync(browser.Http, page, page,
            new Dictionary<string, string> { ["Email"] = UserService.FirstAdminEmail, ["Password"] = IdentityApp.AdminPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_address_get_the_same_401_answer()
    {
        await IdentityApp.AdminAsync(factory);
        var browser = new SessionClient(factory);

        using var wrong = await PageForms.SubmitAsync(browser.Http, "/login", "/login",
            new Dictionary<string, string> { ["Email"] = UserService.FirstAdminEmail, ["Password"] = "Not-The-Password-1" });
        using var unknown = await PageForms.SubmitAsync(browser.Http, "/login", "/login",
            new Dictionary<string, string> { ["Email"] = "nobody@example.com", ["Password"] = "Not-The-Password-1" });

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            string html = await response.Content.ReadAsStringAsync();
            Assert.Contains("The e-mail address or password is wrong.", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Not-The-Password-1", html, StringComparison.Ordinal);
        }

        Assert.Null(browser.Cookie(SessionCookies.Access));
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_and_changes_nothing()
    {
        var admin = await IdentityApp.AdminAsync(factory);

        using var settings = await PageForms.PostAsync(admin.Http, "/admin/settings",
            new Dictionary<string, string> { ["IpAllowlist"] = "", ["PiiMode"] = "hash", ["RetentionDays"] = "7", ["IngestRateLimit"] = "0" });
        using var login = await PageForms.PostAsync(new SessionClient(factory).Http, "/login",
            new Dictionary<string, string> { ["Email"] = UserService.FirstAdminEmail, ["Password"] = IdentityApp.AdminPassword });
        using var logout = await PageForms.PostAsync(admin.Http, "/logout", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.BadRequest, settings.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Contains("Bad request", await settings.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var saved = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.Equal("redact", saved.GetProperty("pii_mode").GetString());
        Assert.Equal(30, saved.GetProperty("retention_days").GetInt32());
        await Json.OkAsync(await admin.GetAsync("/api/auth/me")); // still signed in
    }

    [Fact]
    public async Task A_form_token_of_another_session_is_refused()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, "member@example.com", "USER");
        var (_, memberPage, _) = await PageForms.GetAsync(member.Http, "/account");

        using var response = await PageForms.PostAsync(admin.Http, "/admin/settings", new Dictionary<string, string>
        {
            ["IpAllowlist"] = "", ["PiiMode"] = "hash", ["RetentionDays"] = "7", ["IngestRateLimit"] = "0",
            [PageForms.TokenField] = PageForms.TokenOf(memberPage),
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("USER")]
    [InlineData("VIEWER")]
    public async Task Members_without_admin_rights_are_sent_to_the_forbidden_page(string role)
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, $"{role.ToLowerInvariant()}@example.com", role);

        foreach (string path in AdminPages)
        {
            var (status, _, response) = await PageForms.GetAsync(member.Http, path);
            Assert.Equal(HttpStatusCode.Redirect, status);
            Assert.Equal("/forbidden", response.Headers.Location!.OriginalString);
        }

        var (overview, html, _) = await PageForms.GetAsync(member.Http, "/");
        Assert.Equal(HttpStatusCode.OK, overview);
        Assert.DoesNotContain("/admin/", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PageForms.GetAsync(member.Http, "/account")).Status);
    }

    [Fact]
    public async Task A_session_that_must_change_its_password_is_sent_to_the_password_page()
    {
        var admin = new SessionClient(factory);
        await admin.LoginOkAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);

        var (status, _, response) = await PageForms.GetAsync(admin.Http, "/admin/keys");
        var (passwordStatus, html, _) = await PageForms.GetAsync(admin.Http, "/account/password");

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal(SessionRestrictions.PasswordPage, response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, passwordStatus);
        Assert.Contains("data-forced-password", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"sidebar\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_org_requires_mfa_a_member_enrols_on_the_page_before_anything_else()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        await IdentityApp.MemberAsync(factory, admin, "dana@example.com", "USER");
        await Json.OkAsync(await admin.PutAsync("/api/org/settings", new { require_mfa = true }));

        // Signing in through the form leads to the enrolment page; nothing else opens.
        var browser = new SessionClient(factory);
        using var login = await PageForms.SubmitAsync(browser.Http, "/login?returnUrl=%2Fadmin%2Faudit", "/login?returnUrl=%2Fadmin%2Faudit",
            new Dictionary<string, string> { ["Email"] = "dana@example.com", ["Password"] = IdentityApp.UserPassword });
        Assert.Equal("/account/mfa?returnUrl=%2Fadmin%2Faudit", login.Headers.Location!.OriginalString);
        var (blocked, _, redirect) = await PageForms.GetAsync(browser.Http, "/");
        Assert.Equal(HttpStatusCode.Redirect, blocked);
        Assert.Equal(SessionRestrictions.MfaPage, redirect.Headers.Location!.OriginalString);

        var (status, page, _) = await PageForms.GetAsync(browser.Http, "/account/mfa?returnUrl=%2Fadmin%2Faudit");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-mfa-required", page, StringComparison.Ordinal);
        string secret = MfaSecret().Match(page).Groups[1].Value;
        using var enabled = await PageForms.PostAsync(browser.Http, "/account/mfa?returnUrl=%2Fadmin%2Faudit", new Dictionary<string, string>
        {
            ["Code"] = IdentityApp.Totp(secret), ["ReturnUrl"] = "/admin/audit", [PageForms.TokenField] = PageForms.TokenOf(page),
        });
        string codes = await enabled.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Equal(10, RecoveryCode().Count(codes));
        Assert.Contains("href=\"/admin/audit\" data-continue", codes, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PageForms.GetAsync(browser.Http, "/")).Status); // the restriction is lifted at once
        Assert.True((await Json.OkAsync(await browser.GetAsync("/api/auth/me"))).GetProperty("mfa_enabled").GetBoolean());
    }

    [Fact]
    public async Task An_expired_access_token_is_renewed_from_the_refresh_cookie_when_a_page_is_opened()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string oldAccess = admin.Cookie(SessionCookies.Access)!;
        admin.Cookies.GetCookies(SessionClient.BaseAddress)[SessionCookies.Access]!.Expired = true;

        var (status, _, response) = await PageForms.GetAsync(admin.Http, "/admin/users");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionCookies.Access + "=", StringComparison.Ordinal));
        Assert.NotEqual(oldAccess, admin.Cookie(SessionCookies.Access));
    }

    [Fact]
    public async Task A_form_posted_after_the_access_token_expired_is_still_accepted()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, html, _) = await PageForms.GetAsync(admin.Http, "/admin/settings");
        admin.Cookies.GetCookies(SessionClient.BaseAddress)[SessionCookies.Access]!.Expired = true;

        using var response = await PageForms.PostAsync(admin.Http, "/admin/settings", new Dictionary<string, string>
        {
            ["IpAllowlist"] = "", ["PiiMode"] = "hash", ["RetentionDays"] = "14", ["IngestRateLimit"] = "0", [PageForms.TokenField] = PageForms.TokenOf(html),
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/settings", response.Headers.Location!.OriginalString);
        var saved = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.Equal(14, saved.GetProperty("retention_days").GetInt32());
        Assert.Equal("hash", saved.GetProperty("pii_mode").GetString());
    }

    [Fact]
    public async Task The_audit_page_pages_through_entries_fifty_at_a_time()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var audit = factory.Service<AegisGuard.Audit.AuditLog>();
        int orgId = factory.Service<MetadataStore>().FindOrgBySlug(OrgDirectory.DefaultOrgSlug)!.Id;
        for (int i = 0; i < 60; i++)
        {
            audit.Record("test", AegisGuard.Audit.AuditActions.KeyCreated, "success", orgId, $"obs_key{i:D2}");
        }

        var (first, page1, _) = await PageForms.GetAsync(admin.Http, "/admin/audit?action=key.created");
        var (second, page2, _) = await PageForms.GetAsync(admin.Http, "/admin/audit?action=key.created&page=2");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Contains("Showing 1–50 of 60", page1, StringComparison.Ordinal);
        Assert.Contains("obs_key59", page1, StringComparison.Ordinal);
        Assert.DoesNotContain("obs_key09", page1, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/audit?action=key.created&amp;page=2\"", page1, StringComparison.Ordinal);
        Assert.Contains("Showing 51–60 of 60", page2, StringComparison.Ordinal);
        Assert.Contains("obs_key00", page2, StringComparison.Ordinal);
        Assert.DoesNotContain("obs_key10", page2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_through_the_form_ends_the_session_for_good()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string refresh = admin.Cookie(SessionCookies.Refresh)!;
        string access = admin.Cookie(SessionCookies.Access)!;

        using var response = await PageForms.SubmitAsync(admin.Http, "/logout", "/logout", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?signedOut=true", response.Headers.Location!.OriginalString);
        var (page, html, _) = await PageForms.GetAsync(admin.Http, "/login?signedOut=true");
        Assert.Equal(HttpStatusCode.OK, page);
        Assert.Contains("You are signed out.", html, StringComparison.Ordinal);

        // The old cookies, replayed, no longer open anything.
        admin.SetCookie(SessionCookies.Access, access);
        admin.SetCookie(SessionCookies.Refresh, refresh);
        var (status, _, redirect) = await PageForms.GetAsync(admin.Http, "/");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/login", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var audit = await IdentityApp.AuditAsync(await IdentityApp.AdminAsync(factory), "action=auth.logout");
        Assert.Single(audit);
    }

    [Fact]
    public async Task A_member_of_two_orgs_switches_from_the_top_bar()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var store = factory.Service<MetadataStore>();
        var acme = factory.Service<OrgDirectory>().Ensure("acme", "Acme Corp");
        store.AddMembership(store.FindUserByEmail(UserService.FirstAdminEmail)!.Id, acme.Id, "VIEWER");

        var (_, before, _) = await PageForms.GetAsync(admin.Http, "/");
        Assert.Contains("data-org-name>Default<", before, StringComparison.Ordinal);
        Assert.Contains("data-switch-org=\"acme\"", before, StringComparison.Ordinal);

        using var response = await PageForms.PostAsync(admin.Http, "/account?handler=SwitchOrg", new Dictionary<string, string>
        {
            ["org"] = "acme", ["returnUrl"] = "/admin/users", [PageForms.TokenField] = PageForms.TokenOf(before),
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/users", response.Headers.Location!.OriginalString);
        var (status, after, redirect) = await PageForms.GetAsync(admin.Http, "/admin/users");
        Assert.Equal(HttpStatusCode.Redirect, status); // a VIEWER in Acme
        Assert.Equal("/forbidden", redirect.Headers.Location!.OriginalString);
        (_, after, _) = await PageForms.GetAsync(admin.Http, "/");
        Assert.Contains("data-org-name>Acme Corp<", after, StringComparison.Ordinal);
        var me = await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
        Assert.Equal("acme", me.GetProperty("org").GetString());
        Assert.Equal("VIEWER", me.GetProperty("role").GetString());
    }

    public void Dispose() => factory.Dispose();

    [GeneratedRegex("data-mfa-secret=\"([A-Z2-7]+)\"")]
    private static partial Regex MfaSecret();

    [GeneratedRegex("<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>")]
    private static partial Regex RecoveryCode();
}

using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>A user sees their own sessions and signs out the others; nobody reaches another user's sessions.</summary>
public sealed class OwnSessionsTests : IDisposable
{
    private const string Carol = "carol@example.com";
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task The_session_list_shows_each_sign_in_with_its_address_and_browser_and_marks_the_current_one()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (laptop, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER", forwardedFor: "198.51.100.10");
        var phone = await SignInAsync("203.0.113.20", "PhoneBrowser/1.0");

        var sessions = await SessionsAsync(phone);
        Assert.Equal(2, sessions.Count);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal("203.0.113.20", current.GetProperty("ip").GetString());
        Assert.Equal("PhoneBrowser/1.0", current.GetProperty("user_agent").GetString());
        Assert.Equal("default", current.GetProperty("org").GetString());
        var other = Assert.Single(sessions, s => !s.GetProperty("current").GetBoolean());
        Assert.Equal("198.51.100.10", other.GetProperty("ip").GetString());
        Assert.True(other.GetProperty("last_used_at").GetDateTime() >= other.GetProperty("created_at").GetDateTime());

        // The laptop sees the same two sessions, with itself as the current one.
        var fromLaptop = await SessionsAsync(laptop);
        Assert.Equal(other.GetProperty("id").GetString(), Assert.Single(fromLaptop, s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetString());

        // An admin's list holds only the admin's own sessions.
        Assert.All(await SessionsAsync(admin), s => Assert.DoesNotContain(s.GetProperty("id").GetString(), sessions.Select(c => c.GetProperty("id").GetString())));
    }

    [Fact]
    public async Task Signing_out_the_other_sessions_ends_them_at_once_and_keeps_this_one()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (laptop, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER");
        var phone = await SignInAsync("203.0.113.20", "PhoneBrowser/1.0");
        var tablet = await SignInAsync("203.0.113.21", "TabletBrowser/2.0");

        var revoked = await Json.OkAsync(await laptop.PostAsync("/api/auth/sessions/revoke-others"));
        Assert.Equal(2, revoked.GetProperty("revoked").GetInt32());

        await Json.OkAsync(await laptop.GetAsync("/api/auth/me"));
        Assert.Single(await SessionsAsync(laptop));
        foreach (var gone in new[] { phone, tablet })
        {
            await Json.ProblemAsync(await gone.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
            await Json.ProblemAsync(await gone.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "invalid_refresh_token");
        }

        var entry = Assert.Single(await IdentityApp.AuditAsync(admin, "action=auth.other_sessions_revoked"));
        Assert.Equal(Carol, entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Signing_out_one_session_by_id_ends_only_that_one()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (laptop, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER");
        var phone = await SignInAsync("203.0.113.20", "PhoneBrowser/1.0");
        var tablet = await SignInAsync("203.0.113.21", "TabletBrowser/2.0");
        string phoneId = Assert.Single(await SessionsAsync(phone), s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;

        using var answer = await laptop.PostAsync($"/api/auth/sessions/{phoneId}/revoke");
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        await Json.ProblemAsync(await phone.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await Json.OkAsync(await tablet.GetAsync("/api/auth/me"));
        await Json.OkAsync(await laptop.GetAsync("/api/auth/me"));
        await Json.ProblemAsync(await laptop.PostAsync($"/api/auth/sessions/{phoneId}/revoke"), HttpStatusCode.NotFound);
        Assert.Single(await IdentityApp.AuditAsync(admin, "action=auth.session_revoked"));
    }

    [Fact]
    public async Task Nobody_can_list_or_revoke_another_users_session()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (carol, _) = await IdentityApp.MemberAsync(factory, admin, Carol, "USER");
        var (otherOrg, olga) = await IdentityApp.OtherOrgAsync(factory, "other", "olga@other.example");
        string carolsId = Assert.Single(await SessionsAsync(carol)).GetProperty("id").GetString()!;

        // Not the admin of her org, not another org's owner, not an API key.
        await Json.ProblemAsync(await admin.PostAsync($"/api/auth/sessions/{carolsId}/revoke"), HttpStatusCode.NotFound);
        await Json.ProblemAsync(await olga.PostAsync($"/api/auth/sessions/{carolsId}/revoke"), HttpStatusCode.NotFound);
        await Json.OkAsync(await olga.PostAsync("/api/auth/sessions/revoke-others"));
        Assert.DoesNotContain(carolsId, (await SessionsAsync(olga)).Select(s => s.GetProperty("id").GetString()));
        var (_, key) = factory.CreateKey(otherOrg.Slug, "read");
        using var byKey = new HttpRequestMessage(HttpMethod.Get, "/api/auth/sessions");
        byKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", $"{key.Id}.{key.Secret}");
        await Json.ProblemAsync(await factory.CreateClient().SendAsync(byKey), HttpStatusCode.Forbidden, "user_session_required");

        await Json.OkAsync(await carol.GetAsync("/api/auth/me"));
        Assert.Single(await SessionsAsync(carol));
    }

    [Fact]
    public async Task Revoking_sessions_needs_the_csrf_token()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        await Json.ProblemAsync(await admin.SendAsync(HttpMethod.Post, "/api/auth/sessions/revoke-others", new { }, withCsrf: false), HttpStatusCode.Forbidden);
        await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
    }

    private async Task<SessionClient> SignInAsync(string address, string userAgent)
    {
        var client = new SessionClient(factory, forwardedFor: address);
        client.Http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        await client.LoginOkAsync(Carol, IdentityApp.UserPassword);
        return client;
    }

    private static async Task<List<JsonElement>> SessionsAsync(SessionClient client) =>
        (await Json.OkAsync(await client.GetAsync("/api/auth/sessions"))).GetProperty("sessions").EnumerateArray().ToList();

    public void Dispose() => factory.Dispose();
}

using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// Refresh rotation and reuse detection: a replayed refresh token ends the thief's and the victim's sessions, while two
/// tabs refreshing with the same cookie within the reuse interval (30 s by default) both stay signed in.
/// </summary>
public sealed class RefreshTokenTests : IDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider clock = IdentityApp.Clock();
    private readonly AegisAppFactory factory;

    public RefreshTokenTests() => factory = IdentityApp.NewFactory(time: clock);

    [Fact]
    public async Task Refreshing_rotates_the_refresh_token_and_issues_a_new_access_token()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string refresh = admin.Cookie("aegis_refresh")!;
        string access = admin.Cookie("aegis_access")!;

        var session = await Json.OkAsync(await admin.PostAsync("/api/auth/refresh"));
        Assert.Equal("admin@aegis.local", session.GetProperty("email").GetString());
        Assert.NotEqual(refresh, admin.Cookie("aegis_refresh"));
        Assert.NotEqual(access, admin.Cookie("aegis_access"));
        await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
    }

    [Fact]
    public async Task A_replayed_refresh_token_revokes_the_whole_family_and_is_audited()
    {
        var victim = await IdentityApp.AdminAsync(factory);
        string stolen = victim.Cookie("aegis_refresh")!;
        await Json.OkAsync(await victim.PostAsync("/api/auth/refresh")); // the victim's browser rotates first
        clock.Advance(TimeSpan.FromSeconds(31)); // past the reuse interval

        var thief = new SessionClient(factory);
        thief.SetCookie("aegis_refresh", stolen);
        await Json.ProblemAsync(await thief.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "refresh_token_reused");

        // Both are signed out: the victim's current access token and refresh token are dead too.
        await Json.ProblemAsync(await victim.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await Json.ProblemAsync(await victim.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "invalid_refresh_token");
        await Json.ProblemAsync(await thief.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);

        var admin = await IdentityApp.AdminAsync(factory);
        var reuse = await IdentityApp.AuditAsync(admin, "action=auth.refresh_reuse");
        var entry = Assert.Single(reuse);
        Assert.Equal("denied", entry.GetProperty("outcome").GetString());
        Assert.Equal("admin@aegis.local", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Tabs_refreshing_at_the_same_moment_with_the_same_cookie_all_stay_signed_in()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string shared = admin.Cookie("aegis_refresh")!;
        var tabs = Enumerable.Range(0, 4).Select(_ =>
        {
            var tab = new SessionClient(factory);
            tab.SetCookie("aegis_refresh", shared);
            return tab;
        }).ToList();

        var answers = await Task.WhenAll(tabs.Select(t => t.PostAsync("/api/auth/refresh")));
        foreach (var answer in answers)
        {
            await Json.OkAsync(answer);
        }

        foreach (var tab in tabs)
        {
            await Json.OkAsync(await tab.GetAsync("/api/auth/me"));
            await Json.OkAsync(await tab.PostAsync("/api/auth/refresh")); // each tab's own new token rotates on
        }

        await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
        Assert.Empty(await IdentityApp.AuditAsync(admin, "action=auth.refresh_reuse"));
    }

    [Fact]
    public async Task The_just_rotated_token_works_again_within_the_interval_and_is_a_replay_after_it()
    {
        var first = await IdentityApp.AdminAsync(factory);
        string shared = first.Cookie("aegis_refresh")!;
        await Json.OkAsync(await first.PostAsync("/api/auth/refresh"));

        clock.Advance(TimeSpan.FromSeconds(29));
        var second = new SessionClient(factory);
        second.SetCookie("aegis_refresh", shared);
        await Json.OkAsync(await second.PostAsync("/api/auth/refresh"));

        clock.Advance(TimeSpan.FromSeconds(2));
        var late = new SessionClient(factory);
        late.SetCookie("aegis_refresh", shared);
        await Json.ProblemAsync(await late.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "refresh_token_reused");
        await Json.ProblemAsync(await first.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
        await Json.ProblemAsync(await second.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);

        var admin = await IdentityApp.AdminAsync(factory);
        Assert.Single(await IdentityApp.AuditAsync(admin, "action=auth.refresh_reuse"));
    }

    [Fact]
    public async Task An_older_token_is_a_replay_even_within_the_interval()
    {
        var victim = await IdentityApp.AdminAsync(factory);
        string oldest = victim.Cookie("aegis_refresh")!;
        await Json.OkAsync(await victim.PostAsync("/api/auth/refresh"));
        await Json.OkAsync(await victim.PostAsync("/api/auth/refresh")); // the one after the stolen one was exchanged too

        var thief = new SessionClient(factory);
        thief.SetCookie("aegis_refresh", oldest);
        await Json.ProblemAsync(await thief.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "refresh_token_reused");
        await Json.ProblemAsync(await victim.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_a_refresh_cookie_refresh_answers_401()
    {
        await Json.ProblemAsync(await new SessionClient(factory).PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    public void Dispose() => factory.Dispose();
}

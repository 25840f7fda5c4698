using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Refresh rotation and reuse detection: a replayed refresh token ends the thief's and the victim's sessions.</summary>
public sealed class RefreshTokenTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

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
    public async Task Without_a_refresh_cookie_refresh_answers_401()
    {
        await Json.ProblemAsync(await new SessionClient(factory).PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    public void Dispose() => factory.Dispose();
}

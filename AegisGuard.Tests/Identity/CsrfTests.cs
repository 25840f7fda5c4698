using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Seed security test 5: a cookie-authenticated unsafe request without the antiforgery token gets 403.</summary>
public sealed class CsrfTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task An_unsafe_request_with_session_cookies_needs_the_csrf_token()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string token = admin.CsrfToken!;

        using var missing = await admin.SendAsync(HttpMethod.Post, "/api/keys", Bodies.Key("no-token", "read"), withCsrf: false);
        await Json.ProblemAsync(missing, HttpStatusCode.Forbidden, "csrf_invalid");

        admin.CsrfToken = token[..^4] + "AAAA";
        await Json.ProblemAsync(await admin.PostAsync("/api/keys", Bodies.Key("bad-token", "read")), HttpStatusCode.Forbidden, "csrf_invalid");

        admin.CsrfToken = null;
        await admin.FetchCsrfAsync();
        await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("with-token", "read")), HttpStatusCode.Created);

        var names = (await Json.OkAsync(await admin.GetAsync("/api/keys"))).EnumerateArray().Select(k => k.GetProperty("name").GetString()).ToList();
        Assert.Equal(["with-token"], names);
    }

    [Fact]
    public async Task A_token_issued_to_another_user_is_refused()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var anonymous = new SessionClient(factory);
        string anonymousToken = await anonymous.FetchCsrfAsync();

        admin.CsrfToken = anonymousToken;
        await Json.ProblemAsync(await admin.PutAsync("/api/org/settings", new { retention_days = 9 }), HttpStatusCode.Forbidden, "csrf_invalid");
        var settings = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.Equal(30, settings.GetProperty("retention_days").GetInt32());
    }

    [Fact]
    public async Task Safe_requests_and_sign_in_need_no_token()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        admin.CsrfToken = null;
        await Json.OkAsync(await admin.GetAsync("/api/users"));

        var fresh = new SessionClient(factory);
        Assert.Null(fresh.CsrfToken);
        using var login = await fresh.SendAsync(HttpMethod.Post, "/api/auth/login", new { email = "admin@aegis.local", password = IdentityApp.AdminPassword }, withCsrf: false);
        await Json.OkAsync(login);
    }

    public void Dispose() => factory.Dispose();
}

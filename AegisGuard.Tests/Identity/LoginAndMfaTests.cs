using System.Net;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Seed security test 1: create a user → sign in → enrol MFA → sign in with a code → protected route.</summary>
public sealed class LoginAndMfaTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task The_first_admin_must_change_the_default_password_before_anything_else()
    {
        var admin = new SessionClient(factory);
        var session = await admin.LoginOkAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        Assert.True(session.GetProperty("must_change_password").GetBoolean());
        Assert.Equal("OWNER", session.GetProperty("role").GetString());

        await Json.ProblemAsync(await admin.GetAsync("/api/keys"), HttpStatusCode.Forbidden, "password_change");
        await Json.ProblemAsync(await admin.GetAsync("/api/logs"), HttpStatusCode.Forbidden, "password_change");
        var me = await Json.OkAsync(await admin.GetAsync("/api/auth/me"));
        Assert.True(me.GetProperty("must_change_password").GetBoolean());

        var weak = await Json.ProblemAsync(await admin.PostAsync("/api/auth/password",
            new { current_password = UserService.FirstAdminPassword, new_password = "short" }), HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(weak.GetProperty("errors").TryGetProperty("new_password", out _));
        await Json.ProblemAsync(await admin.PostAsync("/api/auth/password",
            new { current_password = UserService.FirstAdminPassword, new_password = UserService.FirstAdminPassword }), HttpStatusCode.UnprocessableEntity);

        var changed = await Json.OkAsync(await admin.PostAsync("/api/auth/password",
            new { current_password = UserService.FirstAdminPassword, new_password = IdentityApp.AdminPassword }));
        Assert.False(changed.GetProperty("must_change_password").GetBoolean());
        await Json.OkAsync(await admin.GetAsync("/api/keys"));

        // The old password is gone for good.
        using var old = await new SessionClient(factory).LoginAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        await Json.ProblemAsync(old, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task A_new_user_enrols_mfa_and_then_cannot_sign_in_without_a_valid_code()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (alice, _) = await IdentityApp.MemberAsync(factory, admin, "alice@example.com", "USER");

        var setup = await Json.OkAsync(await alice.PostAsync("/api/auth/mfa/setup"));
        string secret = setup.GetProperty("secret").GetString()!;
        Assert.StartsWith("otpauth://totp/AegisGuard:alice%40example.com?secret=" + secret, setup.GetProperty("otpauth_uri").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("<svg", setup.GetProperty("qr_svg").GetString()!.TrimStart(), StringComparison.Ordinal);

        await Json.ProblemAsync(await alice.PostAsync("/api/auth/mfa/enable", new { code = "000000" }), HttpStatusCode.UnprocessableEntity);
        var enabled = await Json.OkAsync(await alice.PostAsync("/api/auth/mfa/enable", new { code = IdentityApp.Totp(secret) }));
        var codes = enabled.GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PostAsync("/api/auth/logout")).StatusCode);

        var again = new SessionClient(factory);
        await Json.ProblemAsync(await again.LoginAsync("alice@example.com", IdentityApp.UserPassword), HttpStatusCode.Unauthorized, "mfa_required");
        await Json.ProblemAsync(await again.LoginAsync("alice@example.com", IdentityApp.UserPassword, "123456"), HttpStatusCode.Unauthorized, "mfa_invalid");
        await Json.ProblemAsync(await again.GetAsync("/api/logs"), HttpStatusCode.Unauthorized);

        var session = await again.LoginOkAsync("alice@example.com", IdentityApp.UserPassword, IdentityApp.Totp(secret));
        Assert.Equal("alice@example.com", session.GetProperty("email").GetString());
        var me = await Json.OkAsync(await again.GetAsync("/api/auth/me"));
        Assert.True(me.GetProperty("mfa_enabled").GetBoolean());
        Assert.Equal("USER", me.GetProperty("role").GetString());
        var logs = await Json.OkAsync(await again.GetAsync("/api/logs"));
        Assert.Equal(0, logs.GetProperty("logs").GetArrayLength());

        var audit = await IdentityApp.AuditAsync(admin, "actor=alice%40example.com");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "mfa.enabled" && e.GetProperty("outcome").GetString() == "success");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "auth.login_failed");
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once_in_place_of_a_code()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (bob, _) = await IdentityApp.MemberAsync(factory, admin, "bob@example.com", "VIEWER");
        var (_, recovery) = await IdentityApp.EnrolMfaAsync(bob);

        await new SessionClient(factory).LoginOkAsync("bob@example.com", IdentityApp.UserPassword, recovery[3].ToUpperInvariant());
        await Json.ProblemAsync(await new SessionClient(factory).LoginAsync("bob@example.com", IdentityApp.UserPassword, recovery[3]),
            HttpStatusCode.Unauthorized, "mfa_invalid");
    }

    [Fact]
    public async Task Unknown_user_and_wrong_password_get_the_same_401()
    {
        await IdentityApp.AdminAsync(factory);
        using var unknown = await new SessionClient(factory).LoginAsync("nobody@example.com", "Whatever-Pass-123");
        using var wrong = await new SessionClient(factory).LoginAsync(UserService.FirstAdminEmail, "Wrong-Password-123");

        var a = await Json.ProblemAsync(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        var b = await Json.ProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(a.GetProperty("title").GetString(), b.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_malformed_login_body_gets_a_problem_that_says_what_to_fix()
    {
        var http = factory.CreateClient();
        using var broken = await http.PostAsync("/api/auth/login", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json"));
        using var plain = await http.PostAsync("/api/auth/login", new StringContent("x", System.Text.Encoding.UTF8, "text/plain"));
        using var empty = await new SessionClient(factory).SendAsync(HttpMethod.Post, "/api/auth/login", new { email = "" });

        await Json.ProblemAsync(broken, HttpStatusCode.BadRequest);
        await Json.ProblemAsync(plain, HttpStatusCode.UnsupportedMediaType);
        var missing = await Json.ProblemAsync(empty, HttpStatusCode.UnprocessableEntity, "validation_failed");
        Assert.True(missing.GetProperty("errors").TryGetProperty("email", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task Logout_ends_the_session_at_once()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        string access = admin.Cookie("aegis_access")!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/auth/logout")).StatusCode);

        var stolen = new SessionClient(factory);
        stolen.SetCookie("aegis_access", access);
        await Json.ProblemAsync(await stolen.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Signing_in_upgrades_a_hash_made_with_older_argon2_parameters()
    {
        using var stronger = IdentityApp.NewFactory(new Dictionary<string, string?> { ["Aegis:Security:Argon2MemoryKiB"] = "8192" });
        var store = stronger.Service<AegisGuard.Storage.Metadata.MetadataStore>();
        var weakHasher = new AegisGuard.Identity.Passwords.PasswordHasher(Microsoft.Extensions.Options.Options.Create(
            new AegisGuard.Identity.SecurityOptions { Argon2MemoryKiB = 1024, Argon2Iterations = 1 }));
        var user = store.InsertUser("legacy@example.com", weakHasher.Hash(IdentityApp.UserPassword), mustChangePassword: false)!;
        store.AddMembership(user.Id, 1, "USER");

        await new SessionClient(stronger).LoginOkAsync("legacy@example.com", IdentityApp.UserPassword);

        Assert.StartsWith("$argon2id$v=19$m=8192,t=2,p=1$", store.FindUserByEmail("legacy@example.com")!.PasswordHash, StringComparison.Ordinal);
        await new SessionClient(stronger).LoginOkAsync("legacy@example.com", IdentityApp.UserPassword);
    }

    public void Dispose() => factory.Dispose();
}

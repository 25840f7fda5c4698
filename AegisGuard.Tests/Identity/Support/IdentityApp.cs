using System.Text.Json;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using OtpNet;

namespace AegisGuard.Tests.Identity.Support;

/// <summary>
/// Helpers to arrange identity tests through the real API: the first admin with a changed password, users of a
/// role, a second org with its own owner. The app trusts loopback as a proxy, so clients can claim an address
/// with X-Forwarded-For (the in-process host has no remote address of its own).
/// </summary>
public static class IdentityApp
{
    public const string AdminPassword = "Quiet-Harbor-Lamp-58";
    public const string UserPassword = "Brisk-Meadow-Tide-73";

    public static AegisAppFactory NewFactory(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        all.TryAdd("Aegis:Security:TrustedProxies:0", "127.0.0.1/32");
        return new AegisAppFactory(all) { Time = time };
    }

    /// <summary>A fake clock starting now (JWTs, refresh tokens and throttles all follow it), moved by the test.</summary>
    public static Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock() => new(DateTimeOffset.UtcNow);

    /// <summary>The first admin, signed in, with the forced password change done.</summary>
    public static async Task<SessionClient> AdminAsync(WebApplicationFactory<Program> factory, string? forwardedFor = null)
    {
        var admin = new SessionClient(factory, forwardedFor);
        var login = await admin.LoginAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        if (login.StatusCode == System.Net.HttpStatusCode.OK)
        {
            await Json.OkAsync(await admin.PostAsync("/api/auth/password", new { current_password = UserService.FirstAdminPassword, new_password = AdminPassword }));
        }
        else
        {
            await admin.LoginOkAsync(UserService.FirstAdminEmail, AdminPassword);
        }

        return admin;
    }

    /// <summary>
    /// Makes a member the way people join: <paramref name="admin"/> invites through POST /api/users, the new person accepts
    /// the token with <see cref="UserPassword"/> (POST /api/invitations/accept), then signs in.
    /// </summary>
    public static async Task<(SessionClient Client, long Id)> MemberAsync(AegisAppFactory factory, SessionClient admin, string email, string role, string? forwardedFor = null)
    {
        string token = await InviteAsync(admin, email, role);
        var client = new SessionClient(factory, forwardedFor);
        await Json.OkAsync(await client.PostAsync("/api/invitations/accept", new { token, password = UserPassword }));
        var session = await client.LoginOkAsync(email, UserPassword);
        Assert.False(session.GetProperty("must_change_password").GetBoolean());
        return (client, session.GetProperty("user_id").GetInt64());
    }

    /// <summary>Invites through <paramref name="path"/> (POST /api/users by default) and returns the one-time token of the answer's accept_url.</summary>
    public static async Task<string> InviteAsync(SessionClient inviter, string email, string role, string path = "/api/users")
    {
        ArgumentNullException.ThrowIfNull(inviter);
        var created = await Json.StatusAsync(await inviter.PostAsync(path, new { email, role }), System.Net.HttpStatusCode.Created);
        return TokenOf(created);
    }

    /// <summary>The token in an invitation answer's accept_url (…/invite/{token}).</summary>
    public static string TokenOf(JsonElement created)
    {
        string url = created.GetProperty("accept_url").GetString()!;
        int at = url.IndexOf("/invite/", StringComparison.Ordinal);
        Assert.True(at > 0, $"accept_url {url} has no /invite/ path");
        return url[(at + "/invite/".Length)..];
    }

    /// <summary>A second org with its own OWNER (arranged directly through the services, to keep tests of other things short), signed in.</summary>
    public static async Task<(Org Org, SessionClient Owner)> OtherOrgAsync(AegisAppFactory factory, string slug, string ownerEmail)
    {
        var org = factory.Service<OrgDirectory>().Ensure(slug, slug.ToUpperInvariant());
        var store = factory.Service<MetadataStore>();
        var hasher = factory.Service<AegisGuard.Identity.Passwords.PasswordHasher>();
        var user = store.InsertUser(ownerEmail, hasher.Hash(UserPassword), mustChangePassword: false)!;
        store.AddMembership(user.Id, org.Id, "OWNER");
        var owner = new SessionClient(factory);
        await owner.LoginOkAsync(ownerEmail, UserPassword);
        return (org, owner);
    }

    /// <summary>The current TOTP code for a Base32 secret, as an authenticator app shows it.</summary>
    public static string Totp(string secret) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow);

    /// <summary>Enrols MFA for the signed-in client; returns (secret, recovery codes).</summary>
    public static async Task<(string Secret, List<string> RecoveryCodes)> EnrolMfaAsync(SessionClient client)
    {
        var setup = await Json.OkAsync(await client.PostAsync("/api/auth/mfa/setup"));
        string secret = setup.GetProperty("secret").GetString()!;
        var enabled = await Json.OkAsync(await client.PostAsync("/api/auth/mfa/enable", new { code = Totp(secret) }));
        return (secret, enabled.GetProperty("recovery_codes").EnumerateArray().Select(c => c.GetString()!).ToList());
    }

    /// <summary>The audit entries of the client's org matching the query string.</summary>
    public static async Task<List<JsonElement>> AuditAsync(SessionClient admin, string query = "")
    {
        var page = await Json.OkAsync(await admin.GetAsync("/api/audit?page_size=500&" + query));
        return page.GetProperty("entries").EnumerateArray().ToList();
    }
}

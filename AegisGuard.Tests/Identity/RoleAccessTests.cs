using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Identity;

/// <summary>Seed security test 2: USER (and VIEWER) get 403 on admin endpoints while reading telemetry works.</summary>
public sealed class RoleAccessTests : IDisposable
{
    private static readonly string[] AdminPaths = ["/api/users", "/api/keys", "/api/org/settings", "/api/audit"];
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Theory]
    [InlineData("USER")]
    [InlineData("VIEWER")]
    public async Task Members_without_admin_rights_get_403_on_users_keys_settings_and_audit(string role)
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, _) = await IdentityApp.MemberAsync(factory, admin, $"{role.ToLowerInvariant()}@example.com", role);

        foreach (string path in AdminPaths)
        {
            await Json.ProblemAsync(await member.GetAsync(path), HttpStatusCode.Forbidden, "forbidden");
        }

        await Json.ProblemAsync(await member.PostAsync("/api/keys", Bodies.Key("mine", "ingest")), HttpStatusCode.Forbidden);
        await Json.ProblemAsync(await member.PostAsync("/api/users", new { email = "x@example.com", role = "ADMIN" }), HttpStatusCode.Forbidden);
        await Json.ProblemAsync(await member.PutAsync("/api/org/settings", new { retention_days = 5 }), HttpStatusCode.Forbidden);

        await Json.OkAsync(await member.GetAsync("/api/logs"));
        var me = await Json.OkAsync(await member.GetAsync("/api/auth/me"));
        string[] expected = role == "USER"
            ? ["telemetry.read", "settings.own", "views.write", "monitors.write", "slos.write"]
            : ["telemetry.read", "settings.own"];
        Assert.Equal(expected, me.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.False(me.GetProperty("instance_admin").GetBoolean());

        foreach (string path in AdminPaths)
        {
            await Json.OkAsync(await admin.GetAsync(path));
        }
    }

    [Fact]
    public async Task An_admin_cannot_make_owners_and_the_last_owner_cannot_be_demoted_or_removed()
    {
        var owner = await IdentityApp.AdminAsync(factory);
        long ownerId = (await Json.OkAsync(await owner.GetAsync("/api/auth/me"))).GetProperty("user_id").GetInt64();
        var (admin, adminId) = await IdentityApp.MemberAsync(factory, owner, "second-admin@example.com", "ADMIN");

        await Json.ProblemAsync(await admin.PostAsync("/api/users", new { email = "boss@example.com", role = "OWNER" }), HttpStatusCode.Forbidden, "owner_required");
        await Json.ProblemAsync(await admin.PutAsync($"/api/users/{ownerId}/role", new { role = "USER" }), HttpStatusCode.Forbidden, "owner_required");
        await Json.ProblemAsync(await owner.PutAsync($"/api/users/{ownerId}/role", new { role = "ADMIN" }), HttpStatusCode.Conflict, "last_owner");
        await Json.ProblemAsync(await owner.DeleteAsync($"/api/users/{ownerId}"), HttpStatusCode.Conflict, "last_owner");

        var demoted = await Json.OkAsync(await owner.PutAsync($"/api/users/{adminId}/role", new { role = "viewer" }));
        Assert.Equal("VIEWER", demoted.GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/users/{adminId}")).StatusCode);
        var members = await Json.OkAsync(await owner.GetAsync("/api/users"));
        Assert.DoesNotContain(members.EnumerateArray(), m => m.GetProperty("email").GetString() == "second-admin@example.com");

        // The removed member cannot renew the session either: their refresh token was revoked.
        await Json.ProblemAsync(await admin.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized);

        var audit = await IdentityApp.AuditAsync(owner);
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "role.changed" && e.GetProperty("target").GetString() == "second-admin@example.com");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "user.removed" && e.GetProperty("target").GetString() == "second-admin@example.com");
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "invitation.accepted" && e.GetProperty("target").GetString() == "second-admin@example.com");
    }

    [Fact]
    public async Task A_role_change_or_removal_applies_to_a_signed_in_member_at_once_not_when_the_token_expires()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (member, memberId) = await IdentityApp.MemberAsync(factory, admin, "promoted@example.com", "USER");
        await Json.ProblemAsync(await member.GetAsync("/api/users"), HttpStatusCode.Forbidden, "forbidden");

        await Json.OkAsync(await admin.PutAsync($"/api/users/{memberId}/role", new { role = "ADMIN" }));

        // The access token still says USER: it is no longer accepted, and a refresh brings the new role.
        await Json.ProblemAsync(await member.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
        await Json.OkAsync(await member.PostAsync("/api/auth/refresh"));
        await Json.OkAsync(await member.GetAsync("/api/users"));

        await Json.OkAsync(await admin.PutAsync($"/api/users/{memberId}/role", new { role = "VIEWER" }));
        await Json.ProblemAsync(await member.GetAsync("/api/users"), HttpStatusCode.Unauthorized);
        await Json.OkAsync(await member.PostAsync("/api/auth/refresh"));
        await Json.ProblemAsync(await member.GetAsync("/api/users"), HttpStatusCode.Forbidden, "forbidden");
        await Json.OkAsync(await member.GetAsync("/api/logs"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/users/{memberId}")).StatusCode);
        await Json.ProblemAsync(await member.GetAsync("/api/logs"), HttpStatusCode.Unauthorized);
        await Json.ProblemAsync(await member.PostAsync("/api/auth/refresh"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Creating_a_user_validates_fields_by_name()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var problem = await Json.ProblemAsync(await admin.PostAsync("/api/users", new { email = "not-an-email", role = "KING", password = "weak" }),
            HttpStatusCode.UnprocessableEntity, "validation_failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("role", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    public void Dispose() => factory.Dispose();
}

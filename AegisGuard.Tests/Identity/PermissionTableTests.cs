using System.Security.Claims;
using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;

namespace AegisGuard.Tests.Identity;

/// <summary>
/// The role → permission table. Saved views, monitors and SLOs have no endpoints yet (issue #10 and later), so the difference
/// between USER and VIEWER is proven here and through /api/auth/me (RoleAccessTests); the endpoints only have to ask.
/// </summary>
public sealed class PermissionTableTests
{
    private static readonly string[] WritePermissions = [Permissions.ViewsWrite, Permissions.MonitorsWrite, Permissions.SlosWrite];

    [Theory]
    [InlineData("OWNER", true)]
    [InlineData("ADMIN", true)]
    [InlineData("USER", true)]
    [InlineData("VIEWER", false)]
    public void Users_and_above_create_views_monitors_and_slos_while_viewers_only_read(string role, bool writes)
    {
        var member = Member(role);
        Assert.True(member.HasPermission(Permissions.TelemetryRead));
        Assert.All(WritePermissions, p => Assert.Equal(writes, member.HasPermission(p)));
    }

    [Fact]
    public void Only_the_instance_admin_claim_grants_instance_administration_never_a_role_or_a_key()
    {
        Assert.All(Permissions.Roles.All, role => Assert.False(Member(role).HasPermission(Permissions.InstanceAdmin)));
        Assert.DoesNotContain(Permissions.ByRole.Values, granted => granted.Contains(Permissions.InstanceAdmin));
        var key = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AegisClaims.Scope, ApiKeyScopes.Read), new Claim(AegisClaims.Scope, ApiKeyScopes.Ingest)], "ApiKey"));
        Assert.False(key.HasPermission(Permissions.InstanceAdmin));
        Assert.All(WritePermissions, p => Assert.False(key.HasPermission(p)));

        var instanceAdmin = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AegisClaims.Role, "VIEWER"), new Claim(AegisClaims.InstanceAdmin, "true")], "Session"));
        Assert.True(instanceAdmin.HasPermission(Permissions.InstanceAdmin));
        Assert.False(instanceAdmin.HasPermission(Permissions.UsersManage)); // an org role still decides inside the org
    }

    [Fact]
    public void Every_permission_is_a_policy_and_viewer_differs_from_user()
    {
        Assert.Equal(Permissions.All.Count, Permissions.All.Distinct().Count());
        Assert.All(Permissions.ByRole.Values.SelectMany(g => g), p => Assert.Contains(p, Permissions.All));
        Assert.NotEqual(Permissions.ByRole[Permissions.Roles.User], Permissions.ByRole[Permissions.Roles.Viewer]);
        Assert.True(Permissions.ByRole[Permissions.Roles.Viewer].IsProperSubsetOf(Permissions.ByRole[Permissions.Roles.User]));
    }

    private static ClaimsPrincipal Member(string role) => new(new ClaimsIdentity([new Claim(AegisClaims.Role, role)], "Session"));
}

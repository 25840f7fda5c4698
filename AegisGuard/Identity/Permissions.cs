using System.Security.Claims;
using AegisGuard.Identity.ApiKeys;

namespace AegisGuard.Identity;

/// <summary>
/// What a principal may do. Roles map to permissions in ONE table (<see cref="ByRole"/>), so an endpoint or page
/// asks for a permission, never for a role. API keys get permissions from their scopes.
/// </summary>
public static class Permissions
{
    /// <summary>Read logs, metrics, traces and RUM of the org.</summary>
    public const string TelemetryRead = "telemetry.read";

    /// <summary>Change one's own password, MFA and profile.</summary>
    public const string OwnSettings = "settings.own";

    /// <summary>Invite, create and remove users, change roles.</summary>
    public const string UsersManage = "users.manage";

    /// <summary>Create, revoke and rotate API keys.</summary>
    public const string KeysManage = "keys.manage";

    /// <summary>Change org settings (IP allowlist, PII mode, retention, rate limit, MFA requirement).</summary>
    public const string OrgSettings = "org.settings";

    /// <summary>Read the audit log.</summary>
    public const string AuditRead = "audit.read";

    /// <summary>
    /// Create and change saved views. No endpoint uses it yet (saved views arrive with issue #10); it is in the table now so
    /// that USER and VIEWER differ from the start and the feature only has to ask for it.
    /// </summary>
    public const string ViewsWrite = "views.write";

    /// <summary>Create and change monitors (not built yet; see <see cref="ViewsWrite"/>).</summary>
    public const string MonitorsWrite = "monitors.write";

    /// <summary>Create and change SLOs (not built yet; see <see cref="ViewsWrite"/>).</summary>
    public const string SlosWrite = "slos.write";

    /// <summary>
    /// Run the appliance: create orgs, invite into any org, see appliance-wide health and pipeline figures. Not a role
    /// of any org and not in <see cref="ByRole"/>: a flag on the user (<c>users.instance_admin</c>), carried by the
    /// claim <see cref="AegisClaims.InstanceAdmin"/> that <see cref="Instance.InstanceAdminClaims"/> adds to browser
    /// sessions from meta.db at every request (so a revoke applies at once). API keys never have it.
    /// </summary>
    public const string InstanceAdmin = "instance.admin";

    /// <summary>Every permission; each is also the name of an authorisation policy (see <see cref="AegisPolicies"/>).</summary>
    public static readonly IReadOnlyList<string> All =
        [TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead, ViewsWrite, MonitorsWrite, SlosWrite, InstanceAdmin];

    /// <summary>The roles of a membership.</summary>
    public static class Roles
    {
        public const string Owner = "OWNER";
        public const string Admin = "ADMIN";
        public const string User = "USER";
        public const string Viewer = "VIEWER";

        public static readonly IReadOnlyList<string> All = [Owner, Admin, User, Viewer];

        /// <summary>The canonical spelling of <paramref name="role"/> (any case), or null when it is not a role.</summary>
        public static string? Normalise(string? role) =>
            All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The role → permission table (of the active org).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ByRole = new Dictionary<string, IReadOnlySet<string>>
    {
        [Roles.Owner] = new HashSet<string> { TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead, ViewsWrite, MonitorsWrite, SlosWrite },
        [Roles.Admin] = new HashSet<string> { TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead, ViewsWrite, MonitorsWrite, SlosWrite },

        // USER works with the data (saved views, monitors, SLOs); VIEWER only reads it.
        [Roles.User] = new HashSet<string> { TelemetryRead, OwnSettings, ViewsWrite, MonitorsWrite, SlosWrite },
        [Roles.Viewer] = new HashSet<string> { TelemetryRead, OwnSettings },
    };

    /// <summary>API-key scopes → permissions.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ByScope = new Dictionary<string, IReadOnlySet<string>>
    {
        [ApiKeyScopes.Read] = new HashSet<string> { TelemetryRead },
        [ApiKeyScopes.Ingest] = new HashSet<string>(),
    };

    /// <summary>
    /// True when the principal's role (claim <see cref="AegisClaims.Role"/>) or key scopes grant <paramref name="permission"/>;
    /// <see cref="InstanceAdmin"/> only by the claim <see cref="AegisClaims.InstanceAdmin"/>.
    /// </summary>
    public static bool HasPermission(this ClaimsPrincipal principal, string permission)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true)
        {
            return false;
        }

        if (permission == InstanceAdmin)
        {
            return principal.HasClaim(AegisClaims.InstanceAdmin, "true");
        }

        foreach (var claim in principal.FindAll(AegisClaims.Role))
        {
            if (ByRole.TryGetValue(claim.Value, out var granted) && granted.Contains(permission))
            {
                return true;
            }
        }

        foreach (var claim in principal.FindAll(AegisClaims.Scope))
        {
            if (ByScope.TryGetValue(claim.Value, out var granted) && granted.Contains(permission))
            {
                return true;
            }
        }

        return false;
    }
}

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

    /// <summary>Every permission; each is also the name of an authorisation policy (see <see cref="AegisPolicies"/>).</summary>
    public static readonly IReadOnlyList<string> All = [TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead];

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

    /// <summary>The role → permission table.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ByRole = new Dictionary<string, IReadOnlySet<string>>
    {
        [Roles.Owner] = new HashSet<string> { TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead },
        [Roles.Admin] = new HashSet<string> { TelemetryRead, OwnSettings, UsersManage, KeysManage, OrgSettings, AuditRead },
        [Roles.User] = new HashSet<string> { TelemetryRead, OwnSettings },
        [Roles.Viewer] = new HashSet<string> { TelemetryRead, OwnSettings },
    };

    /// <summary>API-key scopes → permissions.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ByScope = new Dictionary<string, IReadOnlySet<string>>
    {
        [ApiKeyScopes.Read] = new HashSet<string> { TelemetryRead },
        [ApiKeyScopes.Ingest] = new HashSet<string>(),
    };

    /// <summary>True when the principal's role (claim <see cref="AegisClaims.Role"/>) or key scopes grant <paramref name="permission"/>.</summary>
    public static bool HasPermission(this ClaimsPrincipal principal, string permission)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true)
        {
            return false;
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

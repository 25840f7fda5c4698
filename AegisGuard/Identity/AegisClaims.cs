using System.Globalization;
using System.Security.Claims;

namespace AegisGuard.Identity;

/// <summary>Claim types of an AegisGuard principal. The org always comes from here, never from the request.</summary>
public static class AegisClaims
{
    public const string OrgId = "aegis:org_id";
    public const string KeyId = "aegis:key_id";
    public const string Scope = "aegis:scope";
    public const string Role = "aegis:role";
    public const string UserId = "aegis:user_id";

    /// <summary>The authenticated principal's org id.</summary>
    public static int GetOrgId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string value = principal.FindFirstValue(OrgId) ?? throw new InvalidOperationException("the principal carries no org");
        return int.Parse(value, CultureInfo.InvariantCulture);
    }
}

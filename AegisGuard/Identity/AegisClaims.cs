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

    /// <summary>The slug of the session's org (for display and links).</summary>
    public const string OrgSlug = "aegis:org_slug";

    /// <summary>The refresh-token family of a browser session, so logout and reuse detection can end it.</summary>
    public const string SessionId = "aegis:sid";

    /// <summary>
    /// Set while the user must do something before anything else: <see cref="Sessions.SessionRestrictions.PasswordChange"/>
    /// or <see cref="Sessions.SessionRestrictions.MfaEnrolment"/>.
    /// </summary>
    public const string Restriction = "aegis:restriction";

    /// <summary>
    /// "true" on a browser session of an instance administrator; added from meta.db at each request by
    /// <see cref="Instance.InstanceAdminClaims"/>, never taken from a token.
    /// </summary>
    public const string InstanceAdmin = "aegis:instance_admin";

    /// <summary>The authenticated principal's org id.</summary>
    public static int GetOrgId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string value = principal.FindFirstValue(OrgId) ?? throw new InvalidOperationException("the principal carries no org");
        return int.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The signed-in user's id, or null for an API key or anonymous principal.</summary>
    public static long? GetUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        string? value = principal.FindFirstValue(UserId);
        return value is null ? null : long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Who the principal is, as the audit log names it: the user's e-mail, the key id, or <c>anonymous</c>.</summary>
    public static string GetActor(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.Email) ?? principal.FindFirstValue(KeyId) ?? "anonymous";
    }
}

using AegisGuard.Identity.Sessions;
using Microsoft.AspNetCore.Authorization;

namespace AegisGuard.Identity;

/// <summary>
/// Authorisation policies. Every permission of <see cref="Permissions"/> is a policy of the same name whose only
/// requirement is <see cref="Permissions.HasPermission"/>, so endpoints and pages ask for a permission
/// (<c>RequireAuthorization(Permissions.KeysManage)</c>, <c>[Authorize(Policy = Permissions.AuditRead)]</c>) and the
/// role table decides. Principals come from either scheme (user session or API key) through the default scheme.
/// </summary>
public static class AegisPolicies
{
    /// <summary>Read telemetry of the principal's org: a read-scoped API key or a user whose role has telemetry.read.</summary>
    public const string TelemetryRead = "telemetry:read";

    /// <summary>
    /// A person signed in through the browser session (not an API key): what every web page needs. The policy names the
    /// session scheme, so a page never accepts an <c>Authorization: Bearer</c> key in place of a sign-in and an anonymous
    /// visitor is sent to the login page.
    /// </summary>
    public const string SignedInUser = "user:signed-in";

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(SignedInUser, policy => policy
            .AddAuthenticationSchemes(SessionAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(AegisClaims.UserId));
        foreach (string permission in Permissions.All)
        {
            options.AddPolicy(permission, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.HasPermission(permission)));
        }

        options.AddPolicy(TelemetryRead, policy => policy
            .RequireAuthenticatedUser()
            .RequireAssertion(context => context.User.HasPermission(Permissions.TelemetryRead)));
    }
}

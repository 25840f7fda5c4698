using AegisGuard.Identity.ApiKeys;
using Microsoft.AspNetCore.Authorization;

namespace AegisGuard.Identity;

/// <summary>Authorisation policies, named by what they allow.</summary>
public static class AegisPolicies
{
    /// <summary>Read telemetry of the principal's org.</summary>
    public const string TelemetryRead = "telemetry:read";

    public static void Configure(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(TelemetryRead, policy => policy
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireClaim(AegisClaims.Scope, ApiKeyScopes.Read));
    }
}

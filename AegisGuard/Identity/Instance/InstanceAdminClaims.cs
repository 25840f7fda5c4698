using System.Security.Claims;
using AegisGuard.Identity.Sessions;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authentication;

namespace AegisGuard.Identity.Instance;

/// <summary>
/// Adds <see cref="AegisClaims.InstanceAdmin"/> to a browser session's principal when meta.db says the user is an instance
/// administrator. Read at every authentication rather than written into the access token, so granting or revoking
/// (<c>AegisGuard users instance-admin</c>) applies to running sessions at once; it costs one indexed read, beside the
/// session check the handler already makes. API-key principals never get it: an instance administrator is a person.
/// </summary>
public sealed class InstanceAdminClaims(MetadataStore store) : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.HasClaim(c => c.Type == AegisClaims.InstanceAdmin)
            || principal.Identity?.AuthenticationType != AccessTokenIssuer.SchemeName
            || principal.GetUserId() is not long userId
            || !store.IsInstanceAdmin(userId))
        {
            return Task.FromResult(principal);
        }

        // A copy: the authentication result may be cached and shared, so the original is left as it is.
        var copy = principal.Clone();
        ((ClaimsIdentity)copy.Identity!).AddClaim(new Claim(AegisClaims.InstanceAdmin, "true"));
        return Task.FromResult(copy);
    }
}

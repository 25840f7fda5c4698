using AegisGuard.Identity;
using AegisGuard.Storage.Metadata;
using System.Security.Claims;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// The org a page shows, resolved once per request: the org claim of the signed-in principal (<see cref="AegisClaims.OrgId"/>),
/// never anything the request names. Every page that shows org data requires a signed-in user, so asking for the org of
/// an anonymous request is a bug and throws.
/// </summary>
public sealed class CurrentOrg(MetadataStore store)
{
    private Org? resolved;

    public Org For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (resolved is not null)
        {
            return resolved;
        }

        if (user.Identity?.IsAuthenticated != true)
        {
            throw new InvalidOperationException("This request has no signed-in user, so it has no org; the page must require sign-in.");
        }

        resolved = store.FindOrg(user.GetOrgId());
        return resolved ?? throw new InvalidOperationException("The org of this request does not exist.");
    }
}

using System.Globalization;
using System.Security.Claims;
using AegisGuard.Identity;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// The org a page shows, resolved once per request. A signed-in principal carries its org (claim
/// <see cref="AegisClaims.OrgId"/>) and only ever sees that one. Pages do not require sign-in yet (the login work of
/// issue #3 adds it), so an anonymous visitor is shown org <c>default</c>; when pages require a signed-in user, that
/// fallback becomes unreachable and should be deleted here — it exists nowhere else.
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

        string? orgClaim = user.Identity?.IsAuthenticated == true ? user.FindFirstValue(AegisClaims.OrgId) : null;
        resolved = orgClaim is null
            ? store.FindOrgBySlug(OrgDirectory.DefaultOrgSlug)
            : store.FindOrg(int.Parse(orgClaim, CultureInfo.InvariantCulture));
        return resolved ?? throw new InvalidOperationException("The org of this request does not exist.");
    }
}

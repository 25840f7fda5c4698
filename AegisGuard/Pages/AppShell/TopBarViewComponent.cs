using System.Security.Claims;
using AegisGuard.Identity;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.AppShell;

/// <summary>The bar above every page: the org being viewed (a switcher when the user has several), and the user menu.</summary>
public sealed class TopBarViewComponent(CurrentOrg currentOrg, MetadataStore store, ILogger<TopBarViewComponent> logger) : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        var user = HttpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return View(TopBarView.Anonymous);
        }

        string? userName = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier);
        string? orgName = null;
        string? orgSlug = null;
        IReadOnlyList<OrgMembershipInfo> orgs = [];
        try
        {
            var org = currentOrg.For(user);
            (orgName, orgSlug) = (org.Name, org.Slug);
            if (user.GetUserId() is long userId)
            {
                orgs = [.. store.ListMembershipsOfUser(userId).Select(m => new OrgMembershipInfo(m.OrgSlug, m.OrgName, m.Role))];
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            // The error page renders this bar too; it must not fail because the metadata store just did.
            logger.LogWarning(e, "The top bar could not resolve the org");
        }

        return View(new TopBarView(orgName, userName, user.FindFirstValue(AegisClaims.Role), orgSlug, orgs));
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.AppShell;

/// <summary>The bar above every page: the org being viewed and the user menu.</summary>
public sealed class TopBarViewComponent(CurrentOrg currentOrg, ILogger<TopBarViewComponent> logger) : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        string? orgName;
        try
        {
            orgName = currentOrg.For(HttpContext.User).Name;
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            // The error page renders this bar too; it must not fail because the metadata store just did.
            logger.LogWarning(e, "The top bar could not resolve the org");
            orgName = null;
        }

        var user = HttpContext.User;
        string? userName = user.Identity?.IsAuthenticated == true
            ? user.FindFirstValue(ClaimTypes.Email) ?? user.FindFirstValue(ClaimTypes.Name) ?? user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
            : null;
        return View(new TopBarView(orgName, userName));
    }
}

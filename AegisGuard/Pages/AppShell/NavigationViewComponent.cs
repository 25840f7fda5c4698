using System.Security.Claims;
using AegisGuard.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.AppShell;

/// <summary>The sidebar: the sections of <see cref="NavigationMenu"/> that the current principal may use.</summary>
public sealed class NavigationViewComponent : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        var visible = VisibleTo(HttpContext.User);
        return View(new NavigationView(visible, HttpContext.Request.Path));
    }

    /// <summary>
    /// THE place that decides which entries a principal sees: those whose permission the principal has
    /// (<see cref="Permissions.HasPermission"/>, the role → permission table). Sections left empty are dropped. An
    /// anonymous visitor (only ever on the sign-in and error pages) sees no entries at all.
    /// </summary>
    public static IReadOnlyList<NavSection> VisibleTo(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return [];
        }

        var sections = new List<NavSection>();
        foreach (var section in NavigationMenu.Sections)
        {
            var items = section.Items.Where(item => item.Permission is null || user.HasPermission(item.Permission)).ToList();
            if (items.Count > 0)
            {
                sections.Add(section with { Items = items });
            }
        }

        return sections;
    }
}

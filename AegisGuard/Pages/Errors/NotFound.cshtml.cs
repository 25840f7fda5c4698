using AegisGuard.Pages.AppShell;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Errors;

/// <summary>
/// 404 for a person. When the address belongs to an area that is not built yet, it says so (with the reason from
/// <see cref="NavigationMenu"/>) instead of pretending the page never existed.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class NotFoundModel : PageModel
{
    public string Path { get; private set; } = "";

    public NavItem? PlannedArea { get; private set; }

    public IActionResult OnGet() => Answer();

    public IActionResult OnPost() => Answer();

    private PageResult Answer()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        Path = original is null ? Request.Path.Value ?? "/" : original.OriginalPathBase + original.OriginalPath;
        PlannedArea = NavigationMenu.Sections.SelectMany(s => s.Items)
            .FirstOrDefault(i => !i.IsAvailable && new PathString(Path).StartsWithSegments(i.Href, StringComparison.OrdinalIgnoreCase));
        return Page();
    }
}

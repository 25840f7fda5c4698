using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Errors;

/// <summary>
/// 403 for a person: signed in, but the role in this org does not grant what the page needs. Also the target for
/// cookie authentication's access-denied redirect (<c>/forbidden</c>) once sign-in exists.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ForbiddenModel : PageModel
{
    public IActionResult OnGet() => Answer();

    public IActionResult OnPost() => Answer();

    private PageResult Answer()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }
}

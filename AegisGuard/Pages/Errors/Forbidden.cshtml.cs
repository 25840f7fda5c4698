using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Errors;

/// <summary>
/// 403 for a person: signed in, but the role in this org does not grant what the page needs. Also the target for
/// cookie authentication's access-denied redirect (<c>/forbidden</c>), and of a page request from outside the org's
/// IP allowlist (<c>?reason=ip-allowlist</c>), which names the caller's address.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ForbiddenModel(ClientIpResolver ips) : PageModel
{
    /// <summary>Why access was refused: null for a missing permission, or one of <see cref="ForbiddenReasons"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Reason { get; set; }

    /// <summary>The caller's address as the allowlist sees it (shown for an allowlist refusal).</summary>
    public string? ClientAddress { get; private set; }

    public bool OutsideAllowlist => Reason == ForbiddenReasons.IpAllowlist;

    public IActionResult OnGet() => Answer();

    public IActionResult OnPost() => Answer();

    private PageResult Answer()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        ClientAddress = OutsideAllowlist ? ips.Resolve(HttpContext).ToString() : null;
        return Page();
    }
}

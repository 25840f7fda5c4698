using AegisGuard.Identity;
using AegisGuard.Identity.Passwords;
using AegisGuard.Identity.Sessions;
using AegisGuard.Identity.Users;
using AegisGuard.Pages.Components;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Account;

/// <summary>
/// Change the own password (<c>/account/password</c>). It is also where a session restricted by
/// <see cref="SessionRestrictions.PasswordChange"/> is sent (the first admin, invited users): nothing else works until
/// the password somebody else chose is replaced. The rule is <see cref="UserService.CheckOwnPasswordChange"/> (the
/// API's); the change ends the user's other sessions and starts a fresh one here, so the restriction lifts at once.
/// </summary>
[Authorize(Policy = Permissions.OwnSettings)]
[AllowDuringRestriction(SessionRestrictions.PasswordChange)]
public sealed class PasswordModel(MetadataStore store, UserService users, SessionService sessions) : PageModel
{
    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>True while the session may do nothing else.</summary>
    public bool Forced => User.HasClaim(AegisClaims.Restriction, SessionRestrictions.PasswordChange);

    public string Email => User.GetActor();

    public int MinLength => PasswordPolicy.MinLength;

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        if (AuthApi.SessionOf(User) is not { } session || store.FindUser(session.UserId) is not { } user)
        {
            return Forbid();
        }

        if (!PasswordForm.Check(ModelState, users, user, CurrentPassword, NewPassword, ConfirmPassword))
        {
            return Page();
        }

        bool forced = Forced;

        users.SetOwnPassword(HttpContext, user, session.OrgId, NewPassword!, keepFamilyId: null);
        var next = sessions.Reissue(HttpContext, user.Id, session.OrgId);
        if (next is null)
        {
            SessionService.ClearCookies(HttpContext);
            return LocalRedirect("/login");
        }

        TempData[FlashMessageTagHelper.Success] = "Your password was changed. Your other sessions were signed out.";
        return next.Restriction is { } restriction
            ? LocalRedirect($"{SessionRestrictions.PageFor(restriction)}?returnUrl={Uri.EscapeDataString(Account.ReturnUrl.Safe(Url, ReturnUrl))}")
            : LocalRedirect(Account.ReturnUrl.Safe(Url, ReturnUrl, forced ? "/" : "/account"));
    }
}

using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Identity.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Account;

/// <summary>
/// Sign-out (<c>/logout</c>). Signing out changes state, so it is a form POST (with the antiforgery token) from the
/// user menu; a GET only asks for confirmation. The session's whole refresh-token family is revoked, the cookies are
/// cleared and the sign-out is audited, exactly as <c>POST /api/auth/logout</c> does. Anonymous, so a session that has
/// already ended can still reach it.
/// </summary>
[AllowAnonymous]
public sealed class LogoutModel(SessionService sessions, AuditLog audit) : PageModel
{
    public bool SignedIn => User.GetUserId() is not null;

    public IActionResult OnGet() => SignedIn ? Page() : LocalRedirect("/login");

    public IActionResult OnPost()
    {
        var user = User;
        sessions.SignOut(HttpContext);
        if (user.GetUserId() is not null)
        {
            audit.Record(HttpContext, AuditActions.Logout, AuditActions.Outcomes.Success, user.GetOrgId(), user.GetActor());
        }

        return LocalRedirect("/login?signedOut=true");
    }
}

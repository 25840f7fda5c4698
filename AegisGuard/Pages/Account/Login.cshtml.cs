using System.Globalization;
using AegisGuard.Identity;
using AegisGuard.Identity.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Account;

/// <summary>
/// Sign-in (<c>/login</c>): e-mail and password, then — when the account has MFA on — a second step for the
/// authenticator code or a recovery code. The checks are <see cref="LoginService"/>'s (the same as the JSON API's:
/// throttling, lockout, one answer for unknown e-mail and wrong password, audit); success starts a browser session
/// through <see cref="SessionService"/> and goes back to where the visitor was sent from, or first to the step the session
/// must finish (forced password change, required MFA enrolment). Failures answer 401/403/429 so access logs tell them
/// apart from a normal page view.
/// </summary>
[AllowAnonymous]
public sealed class LoginModel(LoginService login, SessionService sessions, PendingSignIn pending) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>The 6-digit code or a recovery code (MFA step).</summary>
    [BindProperty]
    public string? Code { get; set; }

    /// <summary>The encrypted credentials of the MFA step (<see cref="PendingSignIn"/>).</summary>
    [BindProperty]
    public string? Pending { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Set by the sign-out page's redirect.</summary>
    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    /// <summary>True while the page asks for the MFA code.</summary>
    public bool CodeStep { get; private set; }

    /// <summary>What went wrong, for the banner above the form.</summary>
    public string? Error { get; private set; }

    public IActionResult OnGet()
    {
        if (AuthApi.SessionOf(User) is not null)
        {
            return LocalRedirect(ReturnUrl is null ? "/" : Account.ReturnUrl.Safe(Url, ReturnUrl));
        }

        return Page();
    }

    public IActionResult OnPost()
    {
        string? email = Email;
        string? password = Password;
        bool fromCodeStep = Pending is not null;
        if (fromCodeStep && !pending.TryRead(Pending, out email, out password))
        {
            Error = "The sign-in took too long. Enter your e-mail address and password again.";
            Pending = null;
            return Page();
        }

        if (!fromCodeStep)
        {
            if (string.IsNullOrWhiteSpace(email))
            {
                ModelState.AddModelError(nameof(Email), "Enter your e-mail address.");
            }

            if (string.IsNullOrEmpty(password))
            {
                ModelState.AddModelError(nameof(Password), "Enter your password.");
            }

            if (!ModelState.IsValid)
            {
                return Page();
            }
        }

        string? code = fromCodeStep ? Code?.Trim() : null;
        var result = login.Check(HttpContext, email, password, code);
        switch (result.Status)
        {
            case LoginStatus.Success:
                var grant = sessions.SignIn(HttpContext, result.User!, result.Membership!);
                string next = Account.ReturnUrl.Safe(Url, ReturnUrl);
                return grant.Restriction is { } restriction
                    ? LocalRedirect($"{SessionRestrictions.PageFor(restriction)}?returnUrl={Uri.EscapeDataString(next)}")
                    : LocalRedirect(next);

            case LoginStatus.MfaRequired:
                AskForCode(email!, password!);
                if (fromCodeStep)
                {
                    ModelState.AddModelError(nameof(Code), "Enter the 6-digit code from your authenticator app, or a recovery code.");
                    return Answer(StatusCodes.Status401Unauthorized);
                }

                return Page();

            case LoginStatus.MfaInvalid:
                AskForCode(email!, password!);
                ModelState.AddModelError(nameof(Code), "That code is wrong, expired or already used. Wait for the next code and try again.");
                return Answer(StatusCodes.Status401Unauthorized);

            case LoginStatus.AccountLocked:
                Error = $"Too many failed sign-ins for this account: it is locked for {Minutes(result.RetryAfter)}. Try again later.";
                return Answer(StatusCodes.Status429TooManyRequests, result.RetryAfter);

            case LoginStatus.Throttled:
                Error = $"Too many failed sign-ins from your address. Try again in {Minutes(result.RetryAfter)}.";
                return Answer(StatusCodes.Status429TooManyRequests, result.RetryAfter);

            case LoginStatus.AddressNotAllowed:
                Error = "Your address is not in this organisation's IP allowlist. Ask an owner or admin to add it.";
                return Answer(StatusCodes.Status403Forbidden);

            default:
                Error = "The e-mail address or password is wrong.";
                return Answer(StatusCodes.Status401Unauthorized);
        }
    }

    private void AskForCode(string email, string password)
    {
        CodeStep = true;
        Email = email;
        Pending = pending.Protect(email, password);
    }

    private PageResult Answer(int status, TimeSpan? retryAfter = null)
    {
        Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return Page();
    }

    private static string Minutes(TimeSpan? wait)
    {
        int minutes = Math.Max(1, (int)Math.Ceiling((wait ?? TimeSpan.FromMinutes(1)).TotalMinutes));
        return minutes == 1 ? "a minute" : $"{minutes} minutes";
    }
}

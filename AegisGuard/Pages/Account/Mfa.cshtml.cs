using System.Text;
using AegisGuard.Identity;
using AegisGuard.Identity.Mfa;
using AegisGuard.Identity.Sessions;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Account;

/// <summary>
/// MFA enrolment (<c>/account/mfa</c>): the QR code and the secret for manual entry, then one code from the app to prove
/// it has the secret; MFA turns on and the ten recovery codes are shown — once, in the answer to that POST and nowhere
/// else (they are stored hashed, and a redirect would have to carry them through a cookie). Also where a session is sent
/// when its org requires MFA (<see cref="SessionRestrictions.MfaEnrolment"/>); enabling lifts that restriction at once.
/// The same pending secret is shown again on reload, so what the user scanned stays valid; "start over" makes a new one.
/// </summary>
[Authorize(Policy = Permissions.OwnSettings)]
[AllowDuringRestriction(SessionRestrictions.MfaEnrolment)]
public sealed class MfaModel(MetadataStore store, MfaService mfa, SessionService sessions) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>True while the org requires MFA and this user has not enrolled: nothing else works yet.</summary>
    public bool Required { get; private set; }

    public bool AlreadyOn { get; private set; }

    /// <summary>What to scan; null once MFA is on.</summary>
    public MfaEnrolment? Enrolment { get; private set; }

    /// <summary>Set only in the answer that turned MFA on.</summary>
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string Email => User.GetActor();

    /// <summary>Where "Continue" leads after the recovery codes.</summary>
    public string Next => Account.ReturnUrl.Safe(Url, ReturnUrl, Required ? "/" : "/account");

    /// <summary>The QR code as an image source: an &lt;img&gt; (data: is allowed by the CSP) never runs what it contains.</summary>
    public string QrDataUri => "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Enrolment!.QrSvg));

    /// <summary>The secret in groups of four, as people type it.</summary>
    public string GroupedSecret => string.Join(' ', Enrolment!.Secret.Chunk(4).Select(c => new string(c)));

    /// <summary>The recovery codes as a text file, for the download link.</summary>
    public string RecoveryCodesFile =>
        "data:text/plain;charset=utf-8," + Uri.EscapeDataString(
            $"AegisGuard recovery codes for {Email}\nEach code signs you in once in place of an authenticator code.\n\n{string.Join('\n', RecoveryCodes ?? [])}\n");

    public IActionResult OnGet()
    {
        if (CurrentUser() is not { } user)
        {
            return Forbid();
        }

        Describe(user);
        return Page();
    }

    /// <summary>A new secret (e.g. the old one was scanned into the wrong app).</summary>
    public IActionResult OnPostRestart()
    {
        if (CurrentUser() is not { } user)
        {
            return Forbid();
        }

        if (!user.MfaEnabled)
        {
            mfa.Setup(user);
        }

        return LocalRedirect($"/account/mfa{(ReturnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(ReturnUrl))}");
    }

    public IActionResult OnPost()
    {
        if (CurrentUser() is not { } user || AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        if (user.MfaEnabled || user.MfaPendingSecretProtected is null)
        {
            Describe(user);
            return Page();
        }

        Required = session.Restriction == SessionRestrictions.MfaEnrolment;
        if (string.IsNullOrWhiteSpace(Code))
        {
            ModelState.AddModelError(nameof(Code), "Enter the 6-digit code your authenticator app shows now.");
        }
        else if (mfa.Enable(HttpContext, user, session.OrgId, Code) is { } codes)
        {
            if (Required)
            {
                sessions.Reissue(HttpContext, user.Id, session.OrgId); // the requirement is met: lift the restriction now
            }

            AlreadyOn = true;
            RecoveryCodes = codes;
            return Page();
        }
        else
        {
            ModelState.AddModelError(nameof(Code), "That code does not match. Check the app shows AegisGuard for " + user.Email +
                                                   " and enter the current code (they change every 30 seconds).");
        }

        Enrolment = mfa.Pending(user);
        return Page();
    }

    private UserRow? CurrentUser() => User.GetUserId() is long id ? store.FindUser(id) : null;

    private void Describe(UserRow user)
    {
        Required = User.HasClaim(AegisClaims.Restriction, SessionRestrictions.MfaEnrolment);
        AlreadyOn = user.MfaEnabled;
        if (!AlreadyOn)
        {
            Enrolment = mfa.Pending(user) ?? mfa.Setup(user);
        }
    }
}

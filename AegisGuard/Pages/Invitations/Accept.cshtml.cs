using AegisGuard.Identity;
using AegisGuard.Identity.Invitations;
using AegisGuard.Identity.Passwords;
using AegisGuard.Identity.Sessions;
using AegisGuard.Pages.Components;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Invitations;

/// <summary>
/// The invitation link (<c>/invite/{token}</c>, open to anyone holding it). A person with an account signs in (the login
/// page brings them back here) and accepts as themselves; a new person chooses a password (the policy applies) and is
/// signed in. Either way the session then shows the org they joined. An unknown, expired, used or revoked token gets one
/// and the same 404 page. The rules are <see cref="InvitationAcceptor"/>'s, shared with <c>POST /api/invitations/accept</c>.
/// </summary>
[AllowAnonymous]
public sealed class AcceptModel(InvitationService invitations, InvitationAcceptor acceptor, SessionService sessions, MetadataStore store) : PageModel
{
    /// <summary>From the route.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    /// <summary>The pending invitation, or null when the link is not valid.</summary>
    public InvitationRow? Invitation { get; private set; }

    /// <summary>The signed-in person's e-mail, or null.</summary>
    public string? SignedInAs { get; private set; }

    /// <summary>True when the invited e-mail already has an account (its owner signs in to accept).</summary>
    public bool AccountExists { get; private set; }

    public int MinLength => PasswordPolicy.MinLength;

    /// <summary>The sign-in link that comes back here.</summary>
    public string SignInHref => $"/login?returnUrl={Uri.EscapeDataString(InvitationService.AcceptPath(Token ?? string.Empty))}";

    public bool IsForMe => SignedInAs is not null && Invitation is not null && string.Equals(SignedInAs, Invitation.Email, StringComparison.OrdinalIgnoreCase);

    public IActionResult OnGet() => Show();

    public IActionResult OnPostAccept()
    {
        if (AuthApi.SessionOf(User) is not { } session)
        {
            return Show();
        }

        var result = acceptor.AcceptAsSignedIn(HttpContext, Token, session.UserId, session.Email);
        if (result.Status != AcceptStatus.Accepted)
        {
            return Show();
        }

        sessions.Reissue(HttpContext, session.UserId, result.Invitation!.OrgId);
        TempData[FlashMessageTagHelper.Success] = $"You joined {result.Invitation.OrgName} as {result.Invitation.Role}.";
        return LocalRedirect("/");
    }

    public IActionResult OnPostCreate()
    {
        if (AuthApi.SessionOf(User) is not null)
        {
            return Show();
        }

        if (!string.Equals(Password, ConfirmPassword, StringComparison.Ordinal))
        {
            ModelState.AddModelError(nameof(ConfirmPassword), "The two passwords differ.");
            return Show();
        }

        var result = acceptor.AcceptAsNewAccount(HttpContext, Token, Password);
        switch (result.Status)
        {
            case AcceptStatus.WeakPassword:
                ModelState.AddModelError(nameof(Password), $"The password {result.Reason}.");
                return Show();
            case AcceptStatus.Accepted:
                var membership = store.FindMembership(result.User!.Id, result.Invitation!.OrgId)!;
                sessions.SignIn(HttpContext, result.User, membership);
                TempData[FlashMessageTagHelper.Success] = $"Welcome! You joined {result.Invitation.OrgName} as {result.Invitation.Role}.";
                return LocalRedirect("/");
            default:
                return Show(); // e.g. the account was made a moment ago: the page now asks to sign in
        }
    }

    private PageResult Show()
    {
        Invitation = invitations.FindPending(Token);
        SignedInAs = AuthApi.SessionOf(User)?.Email;
        AccountExists = Invitation is not null && acceptor.AccountExists(Invitation);
        if (Invitation is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}

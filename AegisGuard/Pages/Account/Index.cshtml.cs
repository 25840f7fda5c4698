using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Identity.Mfa;
using AegisGuard.Identity.Sessions;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Pages.Components;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Account;

/// <summary>
/// The profile (<c>/account</c>): who you are and where, the organisations you belong to (switching re-issues the session
/// for the other org, as <c>POST /api/auth/switch-org</c> does), your password, and two-factor authentication (turn it on
/// on <c>/account/mfa</c>, off here with password and code). Every form posts back here and redirects (post/redirect/get)
/// with a one-line outcome, or shows its errors next to its fields.
/// </summary>
[Authorize(Policy = Permissions.OwnSettings)]
public sealed class IndexModel(
    MetadataStore store, OrgDirectory orgs, UserService users, MfaService mfa, SessionService sessions, AuditLog audit, TimeProvider time)
    : PageModel
{
    public DateTimeOffset Now => time.GetUtcNow();

    public UserRow Account { get; private set; } = null!;

    public IReadOnlyList<MembershipRow> Memberships { get; private set; } = [];

    public int ActiveOrgId { get; private set; }

    public string Role { get; private set; } = "";

    public int RecoveryCodesLeft { get; private set; }

    /// <summary>True when the active org makes every member use MFA.</summary>
    public bool OrgRequiresMfa { get; private set; }

    /// <summary>Which form the errors in ModelState belong to (password or mfa), so it is shown open.</summary>
    public string? FailedForm { get; private set; }

    /// <summary>The user's active sessions, the current one marked.</summary>
    public IReadOnlyList<OwnSessionsApi.OwnSession> Sessions { get; private set; } = [];

    public IReadOnlyList<string> GrantedPermissions => [.. Permissions.All.Where(User.HasPermission)];

    public IActionResult OnGet() => Load() ? Page() : Forbid();

    public IActionResult OnPostPassword(string? currentPassword, string? newPassword, string? confirmPassword)
    {
        if (!Load() || AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        if (!PasswordForm.Check(ModelState, users, Account, currentPassword, newPassword, confirmPassword))
        {
            FailedForm = "password";
            return Page();
        }

        users.SetOwnPassword(HttpContext, Account, session.OrgId, newPassword!, keepFamilyId: null);
        if (sessions.Reissue(HttpContext, Account.Id, session.OrgId) is null)
        {
            return LocalRedirect("/login");
        }

        TempData[FlashMessageTagHelper.Success] = "Your password was changed. Your other sessions were signed out.";
        return LocalRedirect("/account");
    }

    public IActionResult OnPostDisableMfa(string? mfaPassword, string? mfaCode)
    {
        if (!Load() || AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        if (!Account.MfaEnabled)
        {
            TempData[FlashMessageTagHelper.Success] = "Two-factor authentication is already off.";
            return LocalRedirect("/account");
        }

        if (string.IsNullOrEmpty(mfaPassword))
        {
            ModelState.AddModelError("MfaPassword", "Enter your password.");
        }

        if (string.IsNullOrWhiteSpace(mfaCode))
        {
            ModelState.AddModelError("MfaCode", "Enter a current code from your authenticator app, or a recovery code.");
        }

        if (ModelState.IsValid && !mfa.Disable(HttpContext, Account, session.OrgId, mfaPassword, mfaCode?.Trim()))
        {
            ModelState.AddModelError("MfaCode", "The password or the code is wrong.");
        }

        if (!ModelState.IsValid)
        {
            FailedForm = "mfa";
            return Page();
        }

        sessions.Reissue(HttpContext, Account.Id, session.OrgId); // an org that requires MFA restricts the session again
        TempData[FlashMessageTagHelper.Success] = "Two-factor authentication is off. Your recovery codes no longer work.";
        return LocalRedirect("/account");
    }

    public IActionResult OnPostRevokeSession(string? id)
    {
        if (AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        if (string.IsNullOrEmpty(id) || id == session.FamilyId || id.Length > 64 ||
            !store.RevokeSessionOfUser(session.UserId, id, time.GetUtcNow().UtcDateTime))
        {
            TempData[FlashMessageTagHelper.Error] = "That session has already ended.";
            return LocalRedirect("/account#sessions");
        }

        audit.Record(HttpContext, AuditActions.SessionRevoked, AuditActions.Outcomes.Success, session.OrgId, session.Email, new { session = id, current = false });
        TempData[FlashMessageTagHelper.Success] = "That session was signed out.";
        return LocalRedirect("/account#sessions");
    }

    public IActionResult OnPostRevokeOtherSessions()
    {
        if (AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        var now = time.GetUtcNow().UtcDateTime;
        int others = store.ListActiveSessions(session.UserId, now).Count(s => s.FamilyId != session.FamilyId);
        store.RevokeRefreshTokensOfUser(session.UserId, session.FamilyId, now);
        audit.Record(HttpContext, AuditActions.OtherSessionsRevoked, AuditActions.Outcomes.Success, session.OrgId, session.Email, new { sessions = others });
        TempData[FlashMessageTagHelper.Success] = others == 1 ? "1 other session was signed out." : $"{others} other sessions were signed out.";
        return LocalRedirect("/account#sessions");
    }

    public IActionResult OnPostSwitchOrg(string? org, string? returnUrl)
    {
        if (AuthApi.SessionOf(User) is not { } session)
        {
            return Forbid();
        }

        var target = string.IsNullOrWhiteSpace(org) ? null : store.FindOrgBySlug(org.Trim());
        if (target is null || store.FindMembership(session.UserId, target.Id) is null)
        {
            TempData[FlashMessageTagHelper.Error] = $"You are not a member of an organisation '{org}'.";
            return LocalRedirect("/account");
        }

        if (target.Id != session.OrgId)
        {
            sessions.Reissue(HttpContext, session.UserId, target.Id);
            audit.Record(HttpContext, AuditActions.OrgSwitched, AuditActions.Outcomes.Success, target.Id, session.Email,
                new { from = session.OrgSlug, to = target.Slug });
            TempData[FlashMessageTagHelper.Success] = $"You are now in {target.Name}.";
        }

        return LocalRedirect(ReturnUrl.Safe(Url, returnUrl));
    }

    private bool Load()
    {
        if (User.GetUserId() is not long userId || store.FindUser(userId) is not { } account)
        {
            return false;
        }

        Account = account;
        ActiveOrgId = User.GetOrgId();
        Memberships = store.ListMembershipsOfUser(userId);
        Role = Memberships.FirstOrDefault(m => m.OrgId == ActiveOrgId)?.Role ?? "";
        RecoveryCodesLeft = account.MfaEnabled ? store.CountRecoveryCodes(userId) : 0;
        OrgRequiresMfa = orgs.Find(ActiveOrgId)?.RequireMfa == true;
        Sessions = AuthApi.SessionOf(User) is { } session ? OwnSessionsApi.Describe(store, time, session) : [];
        return true;
    }
}

using AegisGuard.Identity;
using AegisGuard.Identity.Invitations;
using AegisGuard.Identity.Users;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Components;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// Members of the org (<c>/admin/users</c>, permission users.manage): invite a person with a role (the one-time accept
/// link is shown in the answer to that POST only — never stored or put in a redirect — and the page says the same
/// thing whether or not the e-mail has an account), list and revoke pending invitations, change a role, remove a
/// member. The rules are <see cref="InvitationService"/>'s and <see cref="UserService"/>'s, shared with <c>/api/users</c>:
/// the org is the caller's, only an OWNER makes or unmakes owners, the last OWNER stays. Members whose sign-in is locked
/// or throttled show it with the end time and an Unlock button (<see cref="SignInLockouts"/>).
/// </summary>
[Authorize(Policy = Permissions.UsersManage)]
public sealed class UsersModel(MetadataStore store, UserService users, InvitationService invitations, SignInLockouts lockouts, CurrentOrg currentOrg, TimeProvider time) : PageModel
{
    public Org Org { get; private set; } = null!;

    public IReadOnlyList<MembershipRow> Members { get; private set; } = [];

    /// <summary>Members whose sign-in is locked or throttled now, by user id.</summary>
    public IReadOnlyDictionary<long, LoginBlock> Lockouts { get; private set; } = new Dictionary<long, LoginBlock>();

    /// <summary>Invitations of the org that can still be accepted.</summary>
    public IReadOnlyList<InvitationRow> Pending { get; private set; } = [];

    /// <summary>The invitation just made, with its one-time link (this answer only).</summary>
    public IssuedInvitation? Invited { get; private set; }

    /// <summary>The full accept link of <see cref="Invited"/>.</summary>
    public string? InvitedUrl => Invited is null ? null : $"{Request.Scheme}://{Request.Host}{Request.PathBase}{Invited.AcceptPath}";

    /// <summary>A refusal of the last action, for the banner.</summary>
    public string? Error { get; private set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Role { get; set; }

    public DateTimeOffset Now => time.GetUtcNow();

    public long? MyId => User.GetUserId();

    /// <summary>Roles the caller may hand out: only an OWNER (or an instance administrator) may make owners.</summary>
    public IReadOnlyList<string> AssignableRoles => MayInviteOwner
        ? Permissions.Roles.All
        : [.. Permissions.Roles.All.Where(r => r != Permissions.Roles.Owner)];

    public static string RoleDescription(string role) => role switch
    {
        Permissions.Roles.Owner => "Everything, including making other owners",
        Permissions.Roles.Admin => "Everything except the OWNER role: users, keys, settings, audit",
        Permissions.Roles.User => "Read telemetry; create saved views, monitors and SLOs (as they arrive); own settings",
        _ => "Read only",
    };

    public void OnGet() => Load();

    public IActionResult OnPostAdd()
    {
        if (UserService.CheckEmail(Email) is { } emailProblem)
        {
            ModelState.AddModelError(nameof(Email), $"The e-mail address {emailProblem}.");
        }

        string? role = Permissions.Roles.Normalise(Role);
        if (role is null)
        {
            ModelState.AddModelError(nameof(Role), $"Choose one of {string.Join(", ", Permissions.Roles.All)}.");
        }

        if (!ModelState.IsValid)
        {
            Load();
            return Page();
        }

        var outcome = invitations.Invite(HttpContext, User.GetOrgId(), Email!, role!, MayInviteOwner);
        switch (outcome.Status)
        {
            case InviteStatus.OwnerRequired:
                ModelState.AddModelError(nameof(Role), "Only an OWNER can invite another owner.");
                break;
            case InviteStatus.AlreadyMember:
                ModelState.AddModelError(nameof(Email), $"{Email!.Trim()} is already a member of this organisation.");
                break;
            default:
                Invited = outcome.Issued; // its link is shown in this answer only
                Email = null;
                Role = null;
                break;
        }

        Load();
        return Page();
    }

    public IActionResult OnPostRevoke(string id)
    {
        if (invitations.Revoke(HttpContext, User.GetOrgId(), id))
        {
            TempData[FlashMessageTagHelper.Success] = "The invitation was revoked; its link no longer works.";
            return LocalRedirect("/admin/users");
        }

        Error = "That invitation is not pending in this organisation (any more).";
        Load();
        return Page();
    }

    public IActionResult OnPostRole(long id, string? role)
    {
        string? normalised = Permissions.Roles.Normalise(role);
        var member = store.FindMembership(id, User.GetOrgId());
        var outcome = normalised is null ? MemberChange.NotFound : users.ChangeRole(HttpContext, id, normalised);
        if (outcome == MemberChange.Done)
        {
            TempData[FlashMessageTagHelper.Success] = $"{member?.Email} is now {normalised}.";
            return LocalRedirect("/admin/users");
        }

        Error = Refusal(outcome, normalised is null ? $"'{role}' is not a role." : null);
        Load();
        return Page();
    }

    public IActionResult OnPostRemove(long id)
    {
        var member = store.FindMembership(id, User.GetOrgId());
        var outcome = users.Remove(HttpContext, id);
        if (outcome == MemberChange.Done)
        {
            TempData[FlashMessageTagHelper.Success] = $"{member?.Email} was removed from {currentOrg.For(User).Name}; their sessions here have ended.";
            return LocalRedirect("/admin/users");
        }

        Error = Refusal(outcome, null);
        Load();
        return Page();
    }

    public IActionResult OnPostUnlock(long id)
    {
        if (lockouts.Unlock(HttpContext, id) is not { } member)
        {
            Error = Refusal(MemberChange.NotFound, null);
            Load();
            return Page();
        }

        TempData[FlashMessageTagHelper.Success] = $"{member.Email} can sign in again from anywhere.";
        return LocalRedirect("/admin/users");
    }

    private static string Refusal(MemberChange outcome, string? detail) => detail ?? outcome switch
    {
        MemberChange.OwnerRequired => "Only an OWNER can grant, take away or remove the OWNER role.",
        MemberChange.LastOwner => "This is the organisation's last OWNER. Make someone else an owner first.",
        _ => "That person is not a member of this organisation (any more).",
    };

    private bool MayInviteOwner => UserService.IsOwner(HttpContext) || User.HasPermission(Permissions.InstanceAdmin);

    private void Load()
    {
        Org = currentOrg.For(User);
        Members = store.ListMembers(Org.Id);
        Lockouts = lockouts.InOrg(Org.Id);
        Pending = invitations.ListPending(Org.Id);
    }
}

using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Identity.Instance;
using AegisGuard.Identity.Invitations;
using AegisGuard.Identity.Users;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// The instance administrator's page (<c>/admin/instance</c>, permission instance.admin): every org with its members and
/// pending invitations, creating an org with its OWNER's invitation, inviting anyone into any org, and the appliance-wide
/// health and pipeline figures. Invitation links are shown in the answer to the POST only, like on the users page. The
/// rules are <see cref="InstanceOrgs"/>'s and <see cref="InvitationService"/>'s, shared with <c>/api/instance</c>.
/// </summary>
[Authorize(Policy = Permissions.InstanceAdmin)]
public sealed class InstanceModel(
    MetadataStore store,
    InstanceOrgs instanceOrgs,
    InvitationService invitations,
    IngestLog log,
    PipelineStatus pipeline,
    HealthConditions health) : PageModel
{
    public IReadOnlyList<(Org Org, int Members, int Pending)> Orgs { get; private set; } = [];

    public IReadOnlyList<string> InstanceAdmins { get; private set; } = [];

    public HealthApi.HealthReport Health { get; private set; } = null!;

    /// <summary>The invitation just made (new org's owner, or an invitation into an org), with its one-time link.</summary>
    public IssuedInvitation? Invited { get; private set; }

    /// <summary>The org just created, for the banner.</summary>
    public Org? CreatedOrg { get; private set; }

    public string? InvitedUrl => Invited is null ? null : $"{Request.Scheme}://{Request.Host}{Request.PathBase}{Invited.AcceptPath}";

    [BindProperty]
    public string? Slug { get; set; }

    [BindProperty]
    public string? OrgName { get; set; }

    [BindProperty]
    public string? OwnerEmail { get; set; }

    [BindProperty]
    public string? InviteOrg { get; set; }

    [BindProperty]
    public string? InviteEmail { get; set; }

    [BindProperty]
    public string? InviteRole { get; set; }

    public void OnGet() => Load();

    public IActionResult OnPostCreate()
    {
        var errors = InstanceOrgs.Validate(Slug?.Trim(), string.IsNullOrWhiteSpace(OrgName) ? null : OrgName, OwnerEmail?.Trim(), ownerRequired: true);
        foreach (var (field, reasons) in errors)
        {
            string key = field switch { "slug" => nameof(Slug), "name" => nameof(OrgName), _ => nameof(OwnerEmail) };
            ModelState.AddModelError(key, $"{Label(field)} {reasons[0]}.");
        }

        if (ModelState.IsValid)
        {
            var created = instanceOrgs.Create(HttpContext, Slug!.Trim(), OrgName, OwnerEmail!.Trim());
            if (created.SlugTaken)
            {
                ModelState.AddModelError(nameof(Slug), $"An org '{Slug.Trim()}' already exists.");
            }
            else
            {
                (CreatedOrg, Invited) = (created.Org, created.OwnerInvitation);
                (Slug, OrgName, OwnerEmail) = (null, null, null);
            }
        }

        Load();
        return Page();
    }

    public IActionResult OnPostInvite()
    {
        var org = string.IsNullOrWhiteSpace(InviteOrg) ? null : store.FindOrgBySlug(InviteOrg);
        if (org is null)
        {
            ModelState.AddModelError(nameof(InviteOrg), "Choose an organisation.");
        }

        if (UserService.CheckEmail(InviteEmail) is { } emailProblem)
        {
            ModelState.AddModelError(nameof(InviteEmail), $"The e-mail address {emailProblem}.");
        }

        string? role = Permissions.Roles.Normalise(InviteRole);
        if (role is null)
        {
            ModelState.AddModelError(nameof(InviteRole), $"Choose one of {string.Join(", ", Permissions.Roles.All)}.");
        }

        if (ModelState.IsValid)
        {
            var outcome = invitations.Invite(HttpContext, org!.Id, InviteEmail!, role!, mayInviteOwner: true);
            if (outcome.Status == InviteStatus.AlreadyMember)
            {
                ModelState.AddModelError(nameof(InviteEmail), $"{InviteEmail!.Trim()} is already a member of {org.Name}.");
            }
            else
            {
                Invited = outcome.Issued;
                (InviteEmail, InviteRole) = (null, null);
            }
        }

        Load();
        return Page();
    }

    private static string Label(string field) => field switch
    {
        "slug" => "The slug",
        "name" => "The name",
        _ => "The owner's e-mail address",
    };

    private void Load()
    {
        var members = store.CountMembersByOrg();
        Orgs = [.. store.ListOrgs().Select(o => (o, members.GetValueOrDefault(o.Id), invitations.ListPending(o.Id).Count))];
        InstanceAdmins = store.ListInstanceAdmins();
        Health = HealthApi.Build(log, pipeline, health).Body;
    }
}

using System.Text.RegularExpressions;
using AegisGuard.Audit;
using AegisGuard.Identity.Invitations;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Instance;

/// <summary>
/// Creating orgs, for the instance administrator's API and page and for <c>AegisGuard orgs create</c>: the org (with its
/// own PII key) and, when an owner is named, an OWNER invitation for them — the owner joins by accepting it like anyone
/// else, so naming an e-mail of another org's member adds nobody silently. Audited (<c>org.created</c>, then
/// <c>invitation.created</c>) as the instance administrator, or <c>cli</c>.
/// </summary>
public sealed partial class InstanceOrgs(MetadataStore store, OrgDirectory orgs, InvitationService invitations, AuditLog audit)
{
    /// <summary>Why <paramref name="slug"/> cannot be an org's slug, or null.</summary>
    public static string? CheckSlug(string? slug) =>
        slug is not null && SlugPattern().IsMatch(slug) ? null : "must be 2 to 63 lower-case letters, digits or '-', starting with a letter or digit";

    /// <summary>Why <paramref name="name"/> cannot be an org's display name, or null.</summary>
    public static string? CheckName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 100 ? null : "must have 1 to 100 characters";

    /// <summary>The problems of a creation request by field (slug, name, owner_email); empty when it may go ahead.</summary>
    public static Dictionary<string, string[]> Validate(string? slug, string? name, string? ownerEmail, bool ownerRequired)
    {
        var errors = new Dictionary<string, string[]>();
        if (CheckSlug(slug) is { } slugProblem)
        {
            errors["slug"] = [slugProblem];
        }

        if (name is not null && CheckName(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }

        if ((ownerRequired || ownerEmail is not null) && UserService.CheckEmail(ownerEmail) is { } emailProblem)
        {
            errors["owner_email"] = [emailProblem];
        }

        return errors;
    }

    /// <summary>Creates org <paramref name="slug"/> (validated by the caller) and invites its owner. <paramref name="http"/> is null for the CLI.</summary>
    public OrgCreation Create(HttpContext? http, string slug, string? name, string? ownerEmail)
    {
        ArgumentNullException.ThrowIfNull(slug);
        if (store.FindOrgBySlug(slug) is not null)
        {
            return new OrgCreation(null, null, SlugTaken: true);
        }

        var org = orgs.Ensure(slug, string.IsNullOrWhiteSpace(name) ? slug : name.Trim());
        var details = new { name = org.Name, owner = ownerEmail };
        if (http is null)
        {
            audit.Record("cli", AuditActions.OrgCreated, AuditActions.Outcomes.Success, org.Id, org.Slug, details);
        }
        else
        {
            audit.Record(http, AuditActions.OrgCreated, AuditActions.Outcomes.Success, org.Id, org.Slug, details);
        }

        IssuedInvitation? invitation = null;
        if (ownerEmail is not null)
        {
            invitation = invitations.Invite(http, org.Id, ownerEmail, Permissions.Roles.Owner, mayInviteOwner: true).Issued;
        }

        return new OrgCreation(org, invitation, SlugTaken: false);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}

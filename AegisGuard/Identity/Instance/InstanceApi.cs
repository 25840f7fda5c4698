using System.Text.Json.Serialization;
using AegisGuard.Hosting;
using AegisGuard.Identity.Invitations;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using static AegisGuard.Identity.Invitations.InvitationsApi;

namespace AegisGuard.Identity.Instance;

/// <summary>
/// The instance administrator's API (<c>/api/instance</c>, permission instance.admin — a browser session of a user with the
/// flag; API keys never): list and create orgs, invite into any org, list and revoke any org's invitations, appliance-wide
/// health and pipeline figures. Org members, whatever their role, get 403.
/// </summary>
public static class InstanceApi
{
    public static IEndpointRouteBuilder MapInstanceApi(this IEndpointRouteBuilder routes)
    {
        var instance = routes.MapGroup("/api/instance").WithTags("Instance").RequireAuthorization(Permissions.InstanceAdmin).DisableAntiforgery();
        instance.MapGet("/orgs", ListOrgs)
            .WithSummary("Every org of the appliance with its member and pending-invitation counts")
            .Produces<List<OrgSummary>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        instance.MapPost("/orgs", CreateOrg)
            .WithSummary("Create an org and invite its owner")
            .WithDescription("Body {slug, name?, owner_email}. 201 with the org, the OWNER invitation and its accept_url (shown once; give it to the " +
                             "owner — the appliance sends no e-mail). Nobody is added before the owner accepts. 409 org_exists for a taken slug.")
            .Produces<CreatedOrg>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        instance.MapGet("/orgs/{slug}/invitations", ListInvitations)
            .WithSummary("Pending invitations of an org")
            .Produces<List<InvitationInfo>>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        instance.MapPost("/orgs/{slug}/invitations", InviteInto)
            .WithSummary("Invite a person into any org (any role, OWNER included)")
            .WithDescription("Body {email, role}. The same answer as POST /api/users.")
            .Produces<InvitationCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        instance.MapDelete("/orgs/{slug}/invitations/{id}", RevokeInvitation)
            .WithSummary("Revoke a pending invitation of an org")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        instance.MapGet("/health", Health)
            .WithSummary("Appliance-wide health and pipeline figures (all orgs)")
            .Produces<HealthApi.HealthReport>();
        return routes;
    }

    private static Ok<List<OrgSummary>> ListOrgs(MetadataStore store, InvitationService invitations)
    {
        var members = store.CountMembersByOrg();
        return TypedResults.Ok(store.ListOrgs()
            .Select(o => new OrgSummary(o.Id, o.Slug, o.Name, members.GetValueOrDefault(o.Id), invitations.ListPending(o.Id).Count, o.CreatedAt))
            .ToList());
    }

    private static IResult CreateOrg(HttpContext http, CreateOrgRequest? body, InstanceOrgs orgs)
    {
        var errors = InstanceOrgs.Validate(body?.Slug, body?.Name, body?.OwnerEmail, ownerRequired: true);
        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var created = orgs.Create(http, body!.Slug!, body.Name, body.OwnerEmail!.Trim());
        if (created.SlugTaken)
        {
            return IdentityProblems.Conflict($"An org '{body.Slug}' already exists.", "org_exists");
        }

        var invitation = InvitationsApi.Created(http, created.OwnerInvitation!).Value!;
        var org = created.Org!;
        return TypedResults.Created($"/api/instance/orgs/{org.Slug}",
            new CreatedOrg(new OrgSummary(org.Id, org.Slug, org.Name, 0, 1, org.CreatedAt), invitation.Invitation, invitation.AcceptUrl));
    }

    private static IResult ListInvitations(string slug, MetadataStore store, InvitationService invitations) =>
        store.FindOrgBySlug(slug) is { } org
            ? TypedResults.Ok(invitations.ListPending(org.Id).Select(InvitationInfo.From).ToList())
            : NoSuchOrg(slug);

    private static IResult InviteInto(HttpContext http, string slug, InviteRequest? body, MetadataStore store, InvitationService invitations) =>
        store.FindOrgBySlug(slug) is { } org
            ? InvitationsApi.Invite(http, org.Id, body, invitations, mayInviteOwner: true)
            : NoSuchOrg(slug);

    private static IResult RevokeInvitation(HttpContext http, string slug, string id, MetadataStore store, InvitationService invitations)
    {
        if (store.FindOrgBySlug(slug) is not { } org)
        {
            return NoSuchOrg(slug);
        }

        return invitations.Revoke(http, org.Id, id)
            ? TypedResults.NoContent()
            : IdentityProblems.NotFound($"No pending invitation {id} in org '{slug}'.");
    }

    private static Ok<HealthApi.HealthReport> Health(IngestLog log, PipelineStatus pipeline, HealthConditions health) =>
        TypedResults.Ok(HealthApi.Build(log, pipeline, health).Body);

    private static ProblemHttpResult NoSuchOrg(string slug) => IdentityProblems.NotFound($"There is no org '{slug}'.");

    /// <summary>POST /api/instance/orgs.</summary>
    public sealed record CreateOrgRequest
    {
        public string? Slug { get; init; }

        public string? Name { get; init; }

        [JsonPropertyName("owner_email")]
        public string? OwnerEmail { get; init; }
    }

    /// <summary>An org as the instance administrator lists it.</summary>
    public sealed record OrgSummary(
        [property: JsonPropertyName("id")] int Id,
        [property: JsonPropertyName("slug")] string Slug,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("members")] int Members,
        [property: JsonPropertyName("pending_invitations")] int PendingInvitations,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt);

    /// <summary>The answer to POST /api/instance/orgs: accept_url holds the owner's one-time token.</summary>
    public sealed record CreatedOrg(
        [property: JsonPropertyName("org")] OrgSummary Org,
        [property: JsonPropertyName("invitation")] InvitationInfo Invitation,
        [property: JsonPropertyName("accept_url")] string AcceptUrl);
}

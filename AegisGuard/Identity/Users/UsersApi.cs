using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Audit;
using AegisGuard.Identity.Invitations;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.Users;

/// <summary>Members of the caller's org: list, invite (<see cref="InvitationsApi"/>), change role, remove (permission users.manage).</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Permissions.UsersManage).DisableAntiforgery();
        users.MapGet("/", List)
            .WithSummary("Members of the caller's org")
            .Produces<IReadOnlyList<UserInfo>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        users.MapPost("/", InvitationsApi.InviteIntoCallerOrg)
            .WithSummary("Invite a person into the caller's org with a role")
            .WithDescription("Body {email, role}. Answers 201 with the invitation and its accept_url (shown once; the appliance sends no e-mail, " +
                             "so give the link to the person) — the same answer whether or not the e-mail has an account: nobody is added " +
                             "until they accept at /invite/{token} (7 days, single use; see GET/DELETE /api/invitations). 409 already_member " +
                             "when the e-mail is already a member of this org; only an OWNER can invite owners.")
            .Produces<InvitationsApi.InvitationCreated>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPut("/{id:long}/role", ChangeRole)
            .WithSummary("Change a member's role")
            .WithDescription("Body {role}. The last OWNER cannot be demoted (409); only an OWNER can grant or take away OWNER.")
            .Produces<UserInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        users.MapDelete("/{id:long}", Remove)
            .WithSummary("Remove a member from the org (ends their sessions in it)")
            .WithDescription("The account itself stays (it may belong to other orgs). The last OWNER cannot be removed (409).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    private static Ok<List<UserInfo>> List(ClaimsPrincipal user, MetadataStore store) =>
        TypedResults.Ok(store.ListMembers(user.GetOrgId()).Select(UserInfo.From).ToList());

    private static IResult ChangeRole(HttpContext http, long id, RoleChangeRequest? body, UserService users, MetadataStore store, RefusalAudit refusals)
    {
        string? role = Permissions.Roles.Normalise(body?.Role);
        if (role is null)
        {
            return IdentityProblems.Invalid("role", $"must be one of {string.Join(", ", Permissions.Roles.All)}");
        }

        return users.ChangeRole(http, id, role) switch
        {
            MemberChange.Done => TypedResults.Ok(UserInfo.From(store.FindMembership(id, http.User.GetOrgId())!)),
            var other => Refusal(http, other, id, store, refusals),
        };
    }

    private static IResult Remove(HttpContext http, long id, UserService users, MetadataStore store, RefusalAudit refusals) =>
        users.Remove(http, id) switch
        {
            MemberChange.Done => TypedResults.NoContent(),
            var other => Refusal(http, other, id, store, refusals),
        };

    private static ProblemHttpResult Refusal(HttpContext http, MemberChange change, long id, MetadataStore store, RefusalAudit refusals)
    {
        if (change is not (MemberChange.OwnerRequired or MemberChange.LastOwner) && store.FindUser(id) is not null)
        {
            // The same 404 as for an id no one has, but a user who exists outside this org is a cross-org probe.
            refusals.Note(http, AuditActions.CrossOrgProbe, "user_of_another_org", http.User.GetOrgId(), target: id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return Refusal(change, id);
    }

    private static ProblemHttpResult Refusal(MemberChange change, long id) => change switch
    {
        MemberChange.OwnerRequired => IdentityProblems.Forbidden("Only an OWNER can grant, take away or remove the OWNER role.", "owner_required"),
        MemberChange.LastOwner => IdentityProblems.Conflict("This is the organisation's last OWNER; make someone else an owner first.", "last_owner"),
        _ => IdentityProblems.NotFound($"No member with id {id} in this organisation."),
    };

    /// <summary>PUT /api/users/{id}/role.</summary>
    public sealed record RoleChangeRequest
    {
        public string? Role { get; init; }
    }

    /// <summary>A member of the org.</summary>
    public sealed record UserInfo(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("mfa_enabled")] bool MfaEnabled,
        [property: JsonPropertyName("must_change_password")] bool MustChangePassword,
        [property: JsonPropertyName("joined_at")] DateTime JoinedAt)
    {
        public static UserInfo From(MembershipRow m)
        {
            ArgumentNullException.ThrowIfNull(m);
            return new UserInfo(m.UserId, m.Email, m.Role, m.MfaEnabled, m.MustChangePassword, m.CreatedAt);
        }
    }
}

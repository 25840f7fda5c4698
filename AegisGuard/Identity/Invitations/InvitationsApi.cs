using System.Text.Json.Serialization;
using AegisGuard.Identity.Users;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.Invitations;

/// <summary>
/// Invitations over HTTP: <c>POST /api/users</c> invites into the caller's org (see <see cref="UsersApi"/>), pending ones
/// are listed and revoked here (permission users.manage, caller's org only), and the invitee accepts with the token.
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/invitations").WithTags("Users").DisableAntiforgery();
        group.MapGet("/", List)
            .WithSummary("Pending invitations of the caller's org")
            .RequireAuthorization(Permissions.UsersManage)
            .Produces<List<InvitationInfo>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapDelete("/{id}", Revoke)
            .WithSummary("Revoke a pending invitation of the caller's org (its link stops working)")
            .RequireAuthorization(Permissions.UsersManage)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/accept", Accept)
            .WithSummary("Accept an invitation with its token")
            .WithDescription("Body {token, password?}. Signed in (session cookies and X-CSRF-TOKEN): joins the org as the signed-in account, whose " +
                             "e-mail must be the invited one (403 wrong_account). Not signed in: creates the account of a new person with the password " +
                             "(policy applies, 422 naming password); 409 sign_in_required when the e-mail already has an account. 404 not_found " +
                             "for an unknown, expired, used or revoked token alike. Does not sign in: call POST /api/auth/login (or switch-org).")
            .AllowAnonymous()
            .Produces<AcceptedInvitation>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    /// <summary>
    /// POST /api/users: invites <c>email</c> into the caller's org. The answer is the same 201 with an invitation (no user
    /// id, no account flags) whether or not the e-mail has an account anywhere; nobody joins before accepting.
    /// </summary>
    public static IResult InviteIntoCallerOrg(HttpContext http, InviteRequest? body, InvitationService invitations)
    {
        ArgumentNullException.ThrowIfNull(http);
        bool mayInviteOwner = UserService.IsOwner(http) || http.User.HasPermission(Permissions.InstanceAdmin);
        return Invite(http, http.User.GetOrgId(), body, invitations, mayInviteOwner);
    }

    /// <summary>Validates <paramref name="body"/> and invites into <paramref name="orgId"/>; shared with the instance API.</summary>
    public static IResult Invite(HttpContext http, int orgId, InviteRequest? body, InvitationService invitations, bool mayInviteOwner)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(invitations);
        var errors = new Dictionary<string, string[]>();
        if (UserService.CheckEmail(body?.Email) is { } emailProblem)
        {
            errors["email"] = [emailProblem];
        }

        string? role = Permissions.Roles.Normalise(body?.Role);
        if (role is null)
        {
            errors["role"] = [$"must be one of {string.Join(", ", Permissions.Roles.All)}"];
        }

        if (body?.Password is not null)
        {
            errors["password"] = ["is not accepted: the invitee chooses their own password when accepting the invitation"];
        }

        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var outcome = invitations.Invite(http, orgId, body!.Email!, role!, mayInviteOwner);
        return outcome.Status switch
        {
            InviteStatus.OwnerRequired => IdentityProblems.Forbidden("Only an OWNER can invite another owner.", "owner_required"),
            InviteStatus.AlreadyMember => IdentityProblems.Conflict($"{body.Email!.Trim()} is already a member of this organisation.", "already_member"),
            _ => Created(http, outcome.Issued!),
        };
    }

    /// <summary>The 201 answer of a new invitation, with the link to give to the invitee.</summary>
    public static Created<InvitationCreated> Created(HttpContext http, IssuedInvitation issued)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(issued);
        string acceptUrl = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{issued.AcceptPath}";
        return TypedResults.Created($"/api/invitations/{issued.Invitation.Id}", new InvitationCreated(InvitationInfo.From(issued.Invitation), acceptUrl));
    }

    private static Ok<List<InvitationInfo>> List(HttpContext http, InvitationService invitations) =>
        TypedResults.Ok(invitations.ListPending(http.User.GetOrgId()).Select(InvitationInfo.From).ToList());

    private static IResult Revoke(HttpContext http, string id, InvitationService invitations) =>
        invitations.Revoke(http, http.User.GetOrgId(), id)
            ? TypedResults.NoContent()
            : IdentityProblems.NotFound($"No pending invitation {id} in this organisation.");

    private static IResult Accept(HttpContext http, AcceptInvitationRequest? body, InvitationAcceptor acceptor)
    {
        if (string.IsNullOrWhiteSpace(body?.Token))
        {
            return IdentityProblems.Invalid("token", "is required");
        }

        var result = AuthApi.SessionOf(http.User) is { } session
            ? acceptor.AcceptAsSignedIn(http, body.Token, session.UserId, session.Email)
            : acceptor.AcceptAsNewAccount(http, body.Token, body.Password);
        return result.Status switch
        {
            AcceptStatus.Accepted => TypedResults.Ok(new AcceptedInvitation(result.Invitation!.OrgSlug, result.Invitation.OrgName, result.Invitation.Role, result.User!.Email)),
            AcceptStatus.WrongAccount => IdentityProblems.Forbidden("This invitation is for another e-mail address: sign out and accept it as that account.", "wrong_account"),
            AcceptStatus.SignInRequired => IdentityProblems.Conflict("This e-mail address already has an account: sign in with it and accept the invitation.", "sign_in_required"),
            AcceptStatus.WeakPassword => IdentityProblems.Invalid("password", result.Reason!),
            _ => IdentityProblems.NotFound("This invitation link is not valid: it expired, was already used or was revoked. Ask for a new one."),
        };
    }

    /// <summary>POST /api/users and POST /api/instance/orgs/{slug}/invitations.</summary>
    public sealed record InviteRequest
    {
        public string? Email { get; init; }

        public string? Role { get; init; }

        /// <summary>Refused (422): the invitee chooses their password. Kept so old clients get a clear answer instead of a silent change.</summary>
        public string? Password { get; init; }
    }

    /// <summary>POST /api/invitations/accept.</summary>
    public sealed record AcceptInvitationRequest
    {
        public string? Token { get; init; }

        /// <summary>The new account's password (only when not signed in).</summary>
        public string? Password { get; init; }
    }

    /// <summary>An invitation as the API lists it (never its token).</summary>
    public sealed record InvitationInfo(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("org")] string Org,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("invited_by")] string InvitedBy,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt,
        [property: JsonPropertyName("expires_at")] DateTime ExpiresAt)
    {
        public static InvitationInfo From(InvitationRow row)
        {
            ArgumentNullException.ThrowIfNull(row);
            return new InvitationInfo(row.Id, row.OrgSlug, row.Email, row.Role, row.InvitedBy, row.CreatedAt, row.ExpiresAt);
        }
    }

    /// <summary>The answer to an invitation request: accept_url holds the one-time token and is shown only here.</summary>
    public sealed record InvitationCreated(
        [property: JsonPropertyName("invitation")] InvitationInfo Invitation,
        [property: JsonPropertyName("accept_url")] string AcceptUrl);

    /// <summary>The answer to POST /api/invitations/accept.</summary>
    public sealed record AcceptedInvitation(
        [property: JsonPropertyName("org")] string Org,
        [property: JsonPropertyName("org_name")] string OrgName,
        [property: JsonPropertyName("role")] string Role,
        [property: JsonPropertyName("email")] string Email);
}

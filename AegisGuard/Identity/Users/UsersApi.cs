using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.Users;

/// <summary>Members of the caller's org: list, create/invite, change role, remove (permission users.manage).</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Permissions.UsersManage).DisableAntiforgery();
        users.MapGet("/", List)
            .WithSummary("Members of the caller's org")
            .Produces<IReadOnlyList<UserInfo>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        users.MapPost("/", Create)
            .WithSummary("Create a user (or add an existing one) with a role")
            .WithDescription("Body {email, role, password?}. Without a password a temporary one is generated and shown ONCE in temporary_password. " +
                             "New users must change the password at first sign-in. A person who already has an account (in another org) is added " +
                             "with the role; their password is not touched. Only an OWNER can make owners.")
            .Produces<UserCreated>(StatusCodes.Status201Created)
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

    private static IResult Create(HttpContext http, CreateUserRequest? body, UserService users, MetadataStore store)
    {
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

        if (body?.Password is not null && Passwords.PasswordPolicy.Check(body.Password, body.Email) is { } weak)
        {
            errors["password"] = [weak];
        }

        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var result = users.CreateOrAdd(http, body!.Email!, role!, body.Password);
        switch (result.Status)
        {
            case UserCreationStatus.OwnerRequired:
                return IdentityProblems.Forbidden("Only an OWNER can make another owner.", "owner_required");
            case UserCreationStatus.AlreadyMember:
                return IdentityProblems.Conflict($"{result.User!.Email} is already a member of this organisation.", "already_member");
        }

        var member = store.FindMembership(result.User!.Id, http.User.GetOrgId())!;
        return TypedResults.Created($"/api/users/{member.UserId}", new UserCreated(UserInfo.From(member), result.TemporaryPassword, result.Status == UserCreationStatus.AddedExisting));
    }

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

    /// <summary>POST /api/users.</summary>
    public sealed record CreateUserRequest
    {
        public string? Email { get; init; }

        public string? Role { get; init; }

        /// <summary>Optional initial password (the user must change it at first sign-in); generated when absent.</summary>
        public string? Password { get; init; }
    }

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

    /// <summary>The answer to POST /api/users; temporary_password is shown once.</summary>
    public sealed record UserCreated(
        [property: JsonPropertyName("user")] UserInfo User,
        [property: JsonPropertyName("temporary_password")] string? TemporaryPassword,
        [property: JsonPropertyName("existing_account")] bool ExistingAccount);
}

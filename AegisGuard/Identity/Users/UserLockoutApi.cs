using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.Users;

/// <summary>
/// Sign-in lockouts of the caller's org members, for admins (permission users.manage): who is locked or throttled and
/// until when, and the unlock that ends it early. Members of other orgs answer 404 like unknown ids.
/// </summary>
public static class UserLockoutApi
{
    public static IEndpointRouteBuilder MapUserLockoutApi(this IEndpointRouteBuilder routes)
    {
        var users = routes.MapGroup("/api/users").WithTags("Users").RequireAuthorization(Permissions.UsersManage).DisableAntiforgery();
        users.MapGet("/lockouts", List)
            .WithSummary("Members whose sign-in is locked or throttled now")
            .WithDescription("account_locked_until: the account-wide lock (every browser but known devices); throttled_addresses and " +
                             "throttled_until: client addresses blocked for this account after repeated failures from them.")
            .Produces<List<LockoutInfo>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        users.MapPost("/{id:long}/unlock", Unlock)
            .WithSummary("End a member's sign-in lock and address blocks now (audited as auth.unlocked)")
            .Produces<LockoutInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static Ok<List<LockoutInfo>> List(ClaimsPrincipal user, SignInLockouts lockouts) =>
        TypedResults.Ok(lockouts.InOrg(user.GetOrgId()).Values.OrderBy(b => b.Email, StringComparer.Ordinal).Select(LockoutInfo.From).ToList());

    private static IResult Unlock(HttpContext http, long id, SignInLockouts lockouts)
    {
        if (lockouts.Unlock(http, id) is not { } member)
        {
            return IdentityProblems.NotFound($"No member with id {id} in this organisation.");
        }

        return TypedResults.Ok(new LockoutInfo(member.UserId, member.Email, null, 0, null, 0));
    }

    /// <summary>One member's sign-in state.</summary>
    public sealed record LockoutInfo(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("email")] string Email,
        [property: JsonPropertyName("account_locked_until")] DateTime? AccountLockedUntil,
        [property: JsonPropertyName("throttled_addresses")] int ThrottledAddresses,
        [property: JsonPropertyName("throttled_until")] DateTime? ThrottledUntil,
        [property: JsonPropertyName("recent_failures")] int RecentFailures)
    {
        public static LockoutInfo From(LoginBlock block)
        {
            ArgumentNullException.ThrowIfNull(block);
            return new LockoutInfo(block.UserId, block.Email, block.AccountLockedUntil, block.BlockedAddresses, block.AddressesBlockedUntil, block.RecentFailures);
        }
    }
}

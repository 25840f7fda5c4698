using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Users;

/// <summary>
/// What admins see and do about sign-in lockouts, shared by <c>/api/users/lockouts</c>, <c>/api/users/{id}/unlock</c>
/// and the users page: only members of the caller's org, and every unlock audited.
/// </summary>
public sealed class SignInLockouts(MetadataStore store, AuditLog audit, TimeProvider time)
{
    /// <summary>The caller org's members who are locked or throttled now, by user id.</summary>
    public IReadOnlyDictionary<long, LoginBlock> InOrg(int orgId) =>
        store.ListLoginBlocks(orgId, time.GetUtcNow().UtcDateTime).ToDictionary(b => b.UserId);

    /// <summary>Ends the lock and address blocks of a member of the caller's org; null when there is no such member.</summary>
    public MembershipRow? Unlock(HttpContext http, long userId)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        if (store.FindMembership(userId, orgId) is not { } member)
        {
            return null;
        }

        var before = store.ListLoginBlocks(orgId, time.GetUtcNow().UtcDateTime).FirstOrDefault(b => b.UserId == userId);
        store.ClearLoginBlocks(member.Email);
        audit.Record(http, AuditActions.Unlocked, AuditActions.Outcomes.Success, orgId, member.Email, new
        {
            account_was_locked = before?.AccountLockedUntil is not null,
            throttled_addresses = before?.BlockedAddresses ?? 0,
        });
        return member;
    }
}

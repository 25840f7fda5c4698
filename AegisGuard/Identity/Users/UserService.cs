using System.Net.Mail;
using AegisGuard.Audit;
using AegisGuard.Identity.Passwords;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Users;

/// <summary>
/// People and memberships: first-start admin, role changes, removal and password changes (people join through
/// invitations, <see cref="Invitations.InvitationService"/>). Org
/// scoping is the caller's org (from the principal) in every method, so the API and the pages share the rules; the last OWNER of an org can be neither
/// demoted nor removed, and only an OWNER can make or unmake owners.
/// </summary>
public sealed class UserService(MetadataStore store, PasswordHasher hasher, AuditLog audit, TimeProvider time)
{
    public const string FirstAdminEmail = "admin@aegis.local";
    public const string FirstAdminPassword = "ChangeMeNow!123";

    /// <summary>
    /// On an appliance without users: creates admin@aegis.local (OWNER of <paramref name="orgId"/> and instance
    /// administrator), who must change the password at first sign-in.
    /// </summary>
    public bool EnsureFirstAdmin(int orgId)
    {
        if (store.CountUsers() > 0)
        {
            return false;
        }

        var user = store.InsertUser(FirstAdminEmail, hasher.Hash(FirstAdminPassword), mustChangePassword: true);
        if (user is null)
        {
            return false; // another process created it first
        }

        store.AddMembership(user.Id, orgId, Permissions.Roles.Owner);
        store.SetInstanceAdmin(user.Id, instanceAdmin: true);
        audit.Record("system", AuditActions.UserCreated, AuditActions.Outcomes.Success, orgId, user.Email, new { role = Permissions.Roles.Owner, first_start = true, instance_admin = true });
        return true;
    }

    /// <summary>Checks an e-mail address; null when fine, else the reason.</summary>
    public static string? CheckEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "is required";
        }

        if (email.Length > 254 || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim() || (!parsed.Host.Contains('.', StringComparison.Ordinal) && parsed.Host != "localhost"))
        {
            return "is not a valid e-mail address";
        }

        return null;
    }

    /// <summary>Sets a member's role in the caller's org. Only an OWNER may grant or take away OWNER; the last OWNER stays.</summary>
    public MemberChange ChangeRole(HttpContext http, long userId, string role)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        var before = store.FindMembership(userId, orgId);
        if (before is null)
        {
            return MemberChange.NotFound;
        }

        if ((role == Permissions.Roles.Owner || before.Role == Permissions.Roles.Owner) && !IsOwner(http))
        {
            return MemberChange.OwnerRequired;
        }

        try
        {
            if (!store.ChangeRole(userId, orgId, role, Permissions.Roles.Owner))
            {
                return MemberChange.NotFound;
            }
        }
        catch (InvalidOperationException)
        {
            return MemberChange.LastOwner;
        }

        audit.Record(http, AuditActions.RoleChanged, AuditActions.Outcomes.Success, orgId, before.Email, new { from = before.Role, to = role });
        return MemberChange.Done;
    }

    /// <summary>Removes a member from the caller's org and ends their sessions there. Only an OWNER removes owners; the last OWNER stays.</summary>
    public MemberChange Remove(HttpContext http, long userId)
    {
        ArgumentNullException.ThrowIfNull(http);
        int orgId = http.User.GetOrgId();
        var before = store.FindMembership(userId, orgId);
        if (before is null)
        {
            return MemberChange.NotFound;
        }

        if (before.Role == Permissions.Roles.Owner && !IsOwner(http))
        {
            return MemberChange.OwnerRequired;
        }

        try
        {
            if (!store.RemoveMembership(userId, orgId, Permissions.Roles.Owner))
            {
                return MemberChange.NotFound;
            }
        }
        catch (InvalidOperationException)
        {
            return MemberChange.LastOwner;
        }

        audit.Record(http, AuditActions.UserRemoved, AuditActions.Outcomes.Success, orgId, before.Email, new { role = before.Role });
        return MemberChange.Done;
    }

    /// <summary>True when the caller is an OWNER of their active org (only owners make or unmake owners).</summary>
    public static bool IsOwner(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.User.HasClaim(AegisClaims.Role, Permissions.Roles.Owner);
    }

    /// <summary>
    /// Why a user's own password change is refused, as (field, reason) with the fields <c>current_password</c> and
    /// <c>new_password</c>; null when it may go ahead. The API and the password pages share this rule.
    /// </summary>
    public (string Field, string Reason)? CheckOwnPasswordChange(UserRow user, string? currentPassword, string? newPassword)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(currentPassword) || !hasher.Verify(currentPassword, user.PasswordHash).Succeeded)
        {
            return ("current_password", "is wrong");
        }

        if (PasswordPolicy.Check(newPassword, user.Email) is { } reason)
        {
            return ("new_password", reason);
        }

        return newPassword == currentPassword ? ("new_password", "must differ from the current password") : null;
    }

    /// <summary>Sets a new password chosen by the user; ends the user's other sessions.</summary>
    public void SetOwnPassword(HttpContext http, UserRow user, int orgId, string newPassword, string? keepFamilyId)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(user);
        store.SetPasswordHash(user.Id, hasher.Hash(newPassword), mustChangePassword: false, changedByUser: true);
        int ended = store.RevokeRefreshTokensOfUser(user.Id, keepFamilyId, time.GetUtcNow().UtcDateTime);
        audit.Record(http, AuditActions.PasswordChanged, AuditActions.Outcomes.Success, orgId, user.Email, new { other_sessions_ended = ended });
    }
}

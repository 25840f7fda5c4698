using System.Security.Cryptography;
using System.Text;
using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Invitations;

/// <summary>
/// Invitations into an org, for the users API and page (the caller's org) and the instance administrator (any org). An
/// invitation never adds anyone: the invitee accepts it with a one-time token (<see cref="InvitationAcceptor"/>). Making
/// one does not look at whether the e-mail has an account at all — only whether it is already a member of THIS org,
/// which the inviter can see in the member list anyway — so the answer, its shape and its cost are the same for an
/// address that belongs to another org and for one nobody uses (the cross-tenant oracle of issue #8 is gone).
/// Tokens are 256 random bits, stored as SHA-256, valid for <see cref="Lifetime"/>, single use and revocable;
/// inviting the same e-mail again replaces the earlier link.
/// </summary>
public sealed class InvitationService(MetadataStore store, AuditLog audit, TimeProvider time)
{
    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>The accept page's path for <paramref name="token"/>.</summary>
    public static string AcceptPath(string token) => $"/invite/{token}";

    /// <summary>
    /// Invites <paramref name="email"/> (checked by the caller) into <paramref name="orgId"/> with <paramref name="role"/>.
    /// <paramref name="mayInviteOwner"/>: the inviter is an OWNER of the org or an instance administrator.
    /// <paramref name="http"/> is null for the command line (audited as <c>cli</c>).
    /// </summary>
    public InviteOutcome Invite(HttpContext? http, int orgId, string email, string role, bool mayInviteOwner)
    {
        ArgumentNullException.ThrowIfNull(email);
        email = email.Trim();
        if (role == Permissions.Roles.Owner && !mayInviteOwner)
        {
            return new InviteOutcome(InviteStatus.OwnerRequired, null);
        }

        if (store.IsMemberByEmail(orgId, email))
        {
            return new InviteOutcome(InviteStatus.AlreadyMember, null);
        }

        // Hex, not base64: the link must survive anything that changes letter case (the app's own lower-case URLs, mail clients).
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow().UtcDateTime;
        var row = new InvitationRow
        {
            Id = "inv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            TokenHash = HashToken(token),
            OrgId = orgId,
            Email = email,
            Role = role,
            InvitedBy = http?.User.GetActor() ?? "cli",
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        store.InsertInvitation(row);
        var details = new { invitation = row.Id, role, expires_at = row.ExpiresAt };
        if (http is null)
        {
            audit.Record("cli", AuditActions.InvitationCreated, AuditActions.Outcomes.Success, orgId, email, details);
        }
        else
        {
            audit.Record(http, AuditActions.InvitationCreated, AuditActions.Outcomes.Success, orgId, email, details);
        }

        var stored = store.FindInvitationByTokenHash(row.TokenHash) ?? row;
        return new InviteOutcome(InviteStatus.Created, new IssuedInvitation(stored, token));
    }

    /// <summary>The org's invitations that can still be accepted.</summary>
    public IReadOnlyList<InvitationRow> ListPending(int orgId) => store.ListPendingInvitations(orgId, time.GetUtcNow().UtcDateTime);

    /// <summary>Revokes a pending invitation of <paramref name="orgId"/> (another org's id is simply not found); false when there is none.</summary>
    public bool Revoke(HttpContext? http, int orgId, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var revoked = store.RevokeInvitation(orgId, id, time.GetUtcNow().UtcDateTime);
        if (revoked is null)
        {
            return false;
        }

        var details = new { invitation = revoked.Id, role = revoked.Role };
        if (http is null)
        {
            audit.Record("cli", AuditActions.InvitationRevoked, AuditActions.Outcomes.Success, orgId, revoked.Email, details);
        }
        else
        {
            audit.Record(http, AuditActions.InvitationRevoked, AuditActions.Outcomes.Success, orgId, revoked.Email, details);
        }

        return true;
    }

    /// <summary>The invitation of <paramref name="token"/> while it can be accepted, else null (unknown, expired, used or revoked alike).</summary>
    public InvitationRow? FindPending(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }

        var row = store.FindInvitationByTokenHash(HashToken(token.ToLowerInvariant()));
        return row is not null && row.IsPending(time.GetUtcNow().UtcDateTime) ? row : null;
    }

    /// <summary>The stored form of a token.</summary>
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

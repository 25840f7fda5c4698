using AegisGuard.Audit;
using AegisGuard.Identity.Passwords;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Invitations;

/// <summary>
/// Accepting an invitation, for the <c>/invite/{token}</c> page and <c>POST /api/invitations/accept</c>: a person with an
/// account signs in first and accepts as themselves (the account's e-mail must be the invited one); a new person chooses
/// a password (the password policy applies) and the account, the membership and the use of the token are written in
/// one transaction. An invitation never changes the password of an existing account. Signing the person in is left to
/// the caller (<see cref="Sessions.SessionService"/>).
/// </summary>
public sealed class InvitationAcceptor(MetadataStore store, InvitationService invitations, PasswordHasher hasher, AuditLog audit, TimeProvider time)
{
    /// <summary>Accepts for the signed-in user <paramref name="userId"/> with <paramref name="email"/>.</summary>
    public AcceptResult AcceptAsSignedIn(HttpContext http, string? token, long userId, string email)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(email);
        if (invitations.FindPending(token) is not { } invitation)
        {
            return new AcceptResult(AcceptStatus.NotPending);
        }

        if (!string.Equals(invitation.Email, email, StringComparison.OrdinalIgnoreCase))
        {
            audit.Record(http, AuditActions.InvitationRefused, AuditActions.Outcomes.Denied, invitation.OrgId, invitation.Email,
                new { invitation = invitation.Id, reason = "wrong_account" });
            return new AcceptResult(AcceptStatus.WrongAccount, invitation);
        }

        if (store.AcceptInvitation(invitation.TokenHash, userId, time.GetUtcNow().UtcDateTime) != InvitationAcceptance.Accepted)
        {
            return new AcceptResult(AcceptStatus.NotPending); // used or revoked a moment ago
        }

        audit.Record(http, AuditActions.InvitationAccepted, AuditActions.Outcomes.Success, invitation.OrgId, invitation.Email,
            new { invitation = invitation.Id, role = invitation.Role, new_account = false });
        return new AcceptResult(AcceptStatus.Accepted, invitation, store.FindUser(userId));
    }

    /// <summary>Creates the account of a new person with <paramref name="password"/> and accepts.</summary>
    public AcceptResult AcceptAsNewAccount(HttpContext http, string? token, string? password)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (invitations.FindPending(token) is not { } invitation)
        {
            return new AcceptResult(AcceptStatus.NotPending);
        }

        if (PasswordPolicy.Check(password, invitation.Email) is { } weak)
        {
            return new AcceptResult(AcceptStatus.WeakPassword, invitation, Reason: weak);
        }

        var (outcome, user) = store.AcceptInvitationAsNewUser(invitation.TokenHash, hasher.Hash(password!), time.GetUtcNow().UtcDateTime);
        switch (outcome)
        {
            case InvitationAcceptance.AccountExists:
                audit.Record(http, AuditActions.InvitationRefused, AuditActions.Outcomes.Denied, invitation.OrgId, invitation.Email,
                    new { invitation = invitation.Id, reason = "sign_in_required" }, actor: invitation.Email);
                return new AcceptResult(AcceptStatus.SignInRequired, invitation);
            case InvitationAcceptance.NotPending:
                return new AcceptResult(AcceptStatus.NotPending);
        }

        audit.Record(http, AuditActions.InvitationAccepted, AuditActions.Outcomes.Success, invitation.OrgId, invitation.Email,
            new { invitation = invitation.Id, role = invitation.Role, new_account = true }, actor: invitation.Email);
        return new AcceptResult(AcceptStatus.Accepted, invitation, user);
    }

    /// <summary>True when the invited e-mail already has an account (the accept page then asks its owner to sign in).</summary>
    public bool AccountExists(InvitationRow invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return store.FindUserByEmail(invitation.Email) is not null;
    }
}

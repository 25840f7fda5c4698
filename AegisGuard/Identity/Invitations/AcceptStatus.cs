namespace AegisGuard.Identity.Invitations;

/// <summary>What accepting an invitation did.</summary>
public enum AcceptStatus
{
    /// <summary>The invitee is now a member of the org.</summary>
    Accepted,

    /// <summary>The token is unknown, expired, already used or revoked (one answer for all four).</summary>
    NotPending,

    /// <summary>The signed-in account is not the invited e-mail.</summary>
    WrongAccount,

    /// <summary>The invited e-mail already has an account: its owner signs in and accepts (no password is ever replaced).</summary>
    SignInRequired,

    /// <summary>The chosen password fails the password policy (<see cref="AcceptResult.Reason"/>).</summary>
    WeakPassword,
}

namespace AegisGuard.Storage.Metadata;

/// <summary>What accepting an invitation did in meta.db.</summary>
public enum InvitationAcceptance
{
    /// <summary>The invitation was used and the membership exists (it may have existed already).</summary>
    Accepted,

    /// <summary>No such token, or it expired, was used or was revoked: nothing changed.</summary>
    NotPending,

    /// <summary>A new account was asked for, but the e-mail already has one: nothing changed.</summary>
    AccountExists,
}

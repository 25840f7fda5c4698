namespace AegisGuard.Identity.Invitations;

/// <summary>What asking to invite someone did.</summary>
public enum InviteStatus
{
    /// <summary>An invitation was made (whether or not the e-mail has an account: the answer is the same).</summary>
    Created,

    /// <summary>The e-mail is already a member of the org (which the inviter can see in the member list anyway).</summary>
    AlreadyMember,

    /// <summary>Only an OWNER of the org, or an instance administrator, can invite an OWNER.</summary>
    OwnerRequired,
}

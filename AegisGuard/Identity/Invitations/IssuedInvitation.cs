using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Invitations;

/// <summary>A new invitation and its one-time token, which exists only in this answer (meta.db keeps its hash).</summary>
public sealed record IssuedInvitation(InvitationRow Invitation, string Token)
{
    /// <summary>The path of the accept page; the appliance sends no e-mail, so the inviter passes this link on.</summary>
    public string AcceptPath => InvitationService.AcceptPath(Token);
}

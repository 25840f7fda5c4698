namespace AegisGuard.Identity.Invitations;

/// <summary>The result of <see cref="InvitationService.Invite"/>: <see cref="Issued"/> is set when the status is Created.</summary>
public sealed record InviteOutcome(InviteStatus Status, IssuedInvitation? Issued);

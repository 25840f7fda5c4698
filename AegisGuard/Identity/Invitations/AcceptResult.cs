using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Invitations;

/// <summary>The result of accepting: the invitation and (when accepted) the account that joined.</summary>
public sealed record AcceptResult(AcceptStatus Status, InvitationRow? Invitation = null, UserRow? User = null, string? Reason = null);

namespace AegisGuard.Storage.Metadata;

/// <summary>An invitation to join an org. The token itself is never stored, only its hash.</summary>
public sealed record InvitationRow
{
    /// <summary>Public id (<c>inv_…</c>), used to list and revoke.</summary>
    public required string Id { get; init; }

    /// <summary>SHA-256 (hex) of the one-time token.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The org the invitee joins.</summary>
    public required int OrgId { get; init; }

    /// <summary>The org's slug (joined in for listings).</summary>
    public string OrgSlug { get; init; } = string.Empty;

    /// <summary>The org's display name (joined in for listings).</summary>
    public string OrgName { get; init; } = string.Empty;

    /// <summary>The invited e-mail; only the account with this e-mail (or a new one made with it) can accept.</summary>
    public required string Email { get; init; }

    /// <summary>The role the invitee gets.</summary>
    public required string Role { get; init; }

    /// <summary>Who invited (an e-mail, or <c>cli</c>).</summary>
    public required string InvitedBy { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>After this time (UTC) the token no longer works.</summary>
    public required DateTime ExpiresAt { get; init; }

    /// <summary>When it was accepted (single use), or null.</summary>
    public DateTime? AcceptedAt { get; init; }

    /// <summary>When it was revoked, or null.</summary>
    public DateTime? RevokedAt { get; init; }

    /// <summary>True while it can still be accepted at <paramref name="now"/>.</summary>
    public bool IsPending(DateTime now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;
}

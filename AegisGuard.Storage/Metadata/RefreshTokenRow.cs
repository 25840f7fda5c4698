namespace AegisGuard.Storage.Metadata;

/// <summary>A stored refresh token (only its hash is kept).</summary>
public sealed record RefreshTokenRow
{
    /// <summary>Hex SHA-256 of the token.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The sign-in this token descends from; reuse of any used token revokes the whole family.</summary>
    public required string FamilyId { get; init; }

    /// <summary>Owner.</summary>
    public required long UserId { get; init; }

    /// <summary>The org the session is in.</summary>
    public required int OrgId { get; init; }

    /// <summary>Issue time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>Expiry (UTC).</summary>
    public required DateTime ExpiresAt { get; init; }

    /// <summary>When it was exchanged for a new token, or null while unused.</summary>
    public DateTime? UsedAt { get; init; }

    /// <summary>When its family was revoked (logout, reuse, password change), or null.</summary>
    public DateTime? RevokedAt { get; init; }

    /// <summary>The client address it was issued to, or null (tokens from before migration 0005).</summary>
    public string? Ip { get; init; }

    /// <summary>The hash of the token exchanged for this one, or null for the first token of a sign-in.</summary>
    public string? ParentHash { get; init; }

    /// <summary>The User-Agent it was issued to (truncated), or null.</summary>
    public string? UserAgent { get; init; }
}

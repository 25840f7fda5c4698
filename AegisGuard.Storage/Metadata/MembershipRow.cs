namespace AegisGuard.Storage.Metadata;

/// <summary>A user's role in one org.</summary>
public sealed record MembershipRow
{
    /// <summary>The user.</summary>
    public required long UserId { get; init; }

    /// <summary>The user's e-mail (joined in for listings).</summary>
    public required string Email { get; init; }

    /// <summary>The org.</summary>
    public required int OrgId { get; init; }

    /// <summary>The org's slug (joined in for listings).</summary>
    public required string OrgSlug { get; init; }

    /// <summary>The org's display name.</summary>
    public required string OrgName { get; init; }

    /// <summary>OWNER, ADMIN, USER or VIEWER.</summary>
    public required string Role { get; init; }

    /// <summary>When the user joined the org (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>True when the user has MFA on (joined in for listings).</summary>
    public required bool MfaEnabled { get; init; }

    /// <summary>True while the user still has to replace a password somebody else chose.</summary>
    public required bool MustChangePassword { get; init; }
}

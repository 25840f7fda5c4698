namespace AegisGuard.Storage.Metadata;

/// <summary>A stored API key. The secret is encrypted by the caller before it reaches storage.</summary>
public sealed record ApiKeyRow
{
    /// <summary>Public id, <c>obs_…</c>; sent as <c>x-org-key</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Owning org.</summary>
    public required int OrgId { get; init; }

    /// <summary>Human name.</summary>
    public required string Name { get; init; }

    /// <summary>Granted scopes (ingest, read).</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The encrypted secret.</summary>
    public required string SecretProtected { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>Who created it (user e-mail or <c>cli</c>).</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When it was revoked, or null while active.</summary>
    public DateTime? RevokedAt { get; init; }

    /// <summary>Last successful use, or null.</summary>
    public DateTime? LastUsedAt { get; init; }

    /// <summary>The encrypted previous secret, valid until <see cref="PreviousExpiresAt"/> after a rotation.</summary>
    public string? PreviousSecretProtected { get; init; }

    /// <summary>End of the rotation grace period.</summary>
    public DateTime? PreviousExpiresAt { get; init; }
}

namespace AegisGuard.Storage.Metadata;

/// <summary>A person who can sign in. Secrets (TOTP) are encrypted by the caller before they reach storage.</summary>
public sealed record UserRow
{
    /// <summary>Numeric id.</summary>
    public required long Id { get; init; }

    /// <summary>Sign-in name; unique regardless of case.</summary>
    public required string Email { get; init; }

    /// <summary>The self-describing Argon2id hash (parameters included, so they can change later).</summary>
    public required string PasswordHash { get; init; }

    /// <summary>True until the user replaces a password somebody else chose (first admin, invited users).</summary>
    public required bool MustChangePassword { get; init; }

    /// <summary>The encrypted TOTP secret while MFA is on, else null.</summary>
    public string? MfaSecretProtected { get; init; }

    /// <summary>The encrypted TOTP secret between setup and enable.</summary>
    public string? MfaPendingSecretProtected { get; init; }

    /// <summary>The last TOTP time step accepted at sign-in, so a code cannot be replayed.</summary>
    public long? MfaLastStep { get; init; }

    /// <summary>Creation time (UTC).</summary>
    public required DateTime CreatedAt { get; init; }

    /// <summary>When the password was last set by the user (UTC).</summary>
    public DateTime? PasswordChangedAt { get; init; }

    /// <summary>True when MFA is on.</summary>
    public bool MfaEnabled => MfaSecretProtected is not null;
}

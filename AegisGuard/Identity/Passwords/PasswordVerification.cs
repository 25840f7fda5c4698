namespace AegisGuard.Identity.Passwords;

/// <summary>The result of checking a password: whether it matched, and whether its hash uses outdated parameters.</summary>
public sealed record PasswordVerification(bool Succeeded, bool NeedsRehash)
{
    public static readonly PasswordVerification Failed = new(false, false);
}

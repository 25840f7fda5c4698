using AegisGuard.Storage.Metadata;

namespace AegisGuard.Identity.Sessions;

/// <summary>The outcome of a sign-in attempt.</summary>
public sealed record LoginResult(LoginStatus Status, UserRow? User = null, MembershipRow? Membership = null, TimeSpan? RetryAfter = null)
{
    public bool Succeeded => Status == LoginStatus.Success;
}

/// <summary>Why a sign-in succeeded or not.</summary>
public enum LoginStatus
{
    Success,

    /// <summary>Unknown e-mail, wrong password, or no org membership: one answer for all.</summary>
    InvalidCredentials,

    /// <summary>Password right, MFA on, no code given.</summary>
    MfaRequired,

    /// <summary>Password right, code wrong or replayed.</summary>
    MfaInvalid,

    /// <summary>Too many failures for this account.</summary>
    AccountLocked,

    /// <summary>Too many failures from this address.</summary>
    Throttled,

    /// <summary>Credentials right, but the org's IP allowlist excludes the client's address.</summary>
    AddressNotAllowed,
}

namespace AegisGuard.Identity.Sessions;

/// <summary>What happened to a refresh attempt.</summary>
public enum RefreshOutcome
{
    /// <summary>New tokens were issued.</summary>
    Refreshed,

    /// <summary>No refresh cookie, or an unknown, expired or revoked token.</summary>
    Invalid,

    /// <summary>An already-used token was presented again: its whole family was revoked.</summary>
    Reused,
}

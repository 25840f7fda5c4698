namespace AegisGuard.Identity.Sessions;

/// <summary>What one counted sign-in failure started.</summary>
/// <param name="PairBlockedNow">This failure blocked its address for the account.</param>
/// <param name="AccountLockedNow">This failure locked the account for every browser but known devices.</param>
/// <param name="AccountFailures">The account's failures in a row, this one included.</param>
public sealed record LoginFailureOutcome(bool PairBlockedNow, bool AccountLockedNow, int AccountFailures);

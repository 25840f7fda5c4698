namespace AegisGuard.Storage.Metadata;

/// <summary>An e-mail's failed sign-ins in a row after one more failure, and its lock (if any).</summary>
/// <param name="Failures">Failures counted, including this one.</param>
/// <param name="LockedUntil">When the lock ends, or null when the account is not locked.</param>
public sealed record LoginFailureCount(int Failures, DateTime? LockedUntil);

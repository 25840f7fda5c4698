namespace AegisGuard.Storage.Metadata;

/// <summary>A member whose sign-in is held back right now, for admins (the users page, <c>GET /api/users/lockouts</c>).</summary>
/// <param name="UserId">The member.</param>
/// <param name="Email">The member's e-mail.</param>
/// <param name="AccountLockedUntil">When the account-wide lock ends (it holds every browser but known devices), or null.</param>
/// <param name="BlockedAddresses">How many client addresses are throttled for this account.</param>
/// <param name="AddressesBlockedUntil">When the last of those address blocks ends, or null.</param>
/// <param name="RecentFailures">Failed sign-ins in a row counted against the whole account.</param>
public sealed record LoginBlock(long UserId, string Email, DateTime? AccountLockedUntil, int BlockedAddresses, DateTime? AddressesBlockedUntil, int RecentFailures);

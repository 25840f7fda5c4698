using System.ComponentModel.DataAnnotations;

namespace AegisGuard.Identity;

/// <summary>Sign-in, session and web hardening settings, section <c>Aegis:Security</c>.</summary>
public sealed class SecurityOptions
{
    /// <summary>Origins (scheme://host[:port]) that get CORS headers. Empty: no cross-origin access at all.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>
    /// Reverse proxies (CIDR) whose <c>X-Forwarded-For</c> is believed. A request from anywhere else is judged by
    /// its own address, so a client cannot claim an allowlisted IP by sending the header itself.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Lifetime of the access JWT cookie.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of a refresh token (each refresh issues a new one with a fresh lifetime).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Within this interval the refresh token just exchanged may be exchanged again (two tabs refreshing with the same
    /// cookie); after it, or for an older token, presenting a used token is a replay and revokes the family. Zero: never.
    /// </summary>
    public TimeSpan RefreshReuseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed sign-ins in a row from one address on one account before that address must wait
    /// <see cref="LockoutDuration"/> for that account. Other addresses and known devices are not affected.
    /// </summary>
    [Range(1, 1000)]
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long an address stays blocked for an account, and how long an account-wide lock lasts.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The last resort: failed sign-ins in a row on one account, from any addresses, before the account locks for
    /// every browser except known devices (a device cookie from an earlier successful sign-in).
    /// </summary>
    [Range(1, 100_000)]
    public int AccountLockoutThreshold { get; set; } = 50;

    /// <summary>
    /// Failed sign-ins from one address within <see cref="IpFailureWindow"/> after which each attempt from it must wait
    /// a delay that doubles with every further failure (1 s, 2 s, 4 s … up to <see cref="IpMaxDelay"/>), then 429.
    /// Known devices are not delayed.
    /// </summary>
    [Range(1, 100_000)]
    public int IpFailureLimit { get; set; } = 20;

    /// <summary>The sliding window of <see cref="IpFailureLimit"/>.</summary>
    public TimeSpan IpFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest delay an address over <see cref="IpFailureLimit"/> must wait between attempts.</summary>
    public TimeSpan IpMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the known-device cookie set after a successful sign-in lets that browser past the account's throttles.
    /// A device with <see cref="LockoutThreshold"/> failures within <see cref="LockoutDuration"/> loses that pass.
    /// </summary>
    public TimeSpan DeviceCookieLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How long a rotated API key's old secret keeps working.</summary>
    public TimeSpan KeyRotationGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Argon2id memory in KiB (OWASP: 19 MiB with t=2, p=1).</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int Argon2MemoryKiB { get; set; } = 19 * 1024;

    /// <summary>Argon2id passes.</summary>
    [Range(1, 100)]
    public int Argon2Iterations { get; set; } = 2;

    /// <summary>Argon2id lanes.</summary>
    [Range(1, 64)]
    public int Argon2Parallelism { get; set; } = 1;
}

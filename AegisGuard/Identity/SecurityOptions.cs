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

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    [Range(1, 1000)]
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed sign-ins from one address within <see cref="IpFailureWindow"/> before it gets 429.</summary>
    [Range(1, 100_000)]
    public int IpFailureLimit { get; set; } = 20;

    /// <summary>The sliding window of <see cref="IpFailureLimit"/>.</summary>
    public TimeSpan IpFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

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

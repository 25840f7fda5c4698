namespace AegisGuard.Storage.Metadata;

/// <summary>An org's access settings that sit beside <see cref="Org"/>: network allowlist and MFA requirement.</summary>
public sealed record OrgSecurity
{
    /// <summary>CIDR ranges (IPv4 or IPv6) allowed to reach the org's ingestion and API; empty allows every address.</summary>
    public required IReadOnlyList<string> IpAllowlist { get; init; }

    /// <summary>True when every member must have MFA on before using anything else.</summary>
    public required bool RequireMfa { get; init; }
}

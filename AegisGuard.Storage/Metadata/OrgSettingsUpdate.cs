namespace AegisGuard.Storage.Metadata;

/// <summary>Every setting of an org at once, written in one statement.</summary>
public sealed record OrgSettingsUpdate
{
    /// <summary>redact or hash.</summary>
    public required string PiiMode { get; init; }

    /// <summary>Events per second; 0 = the appliance default.</summary>
    public required int IngestRateLimit { get; init; }

    /// <summary>Days of telemetry kept.</summary>
    public required int RetentionDays { get; init; }

    /// <summary>CIDR ranges; empty allows every address.</summary>
    public required IReadOnlyList<string> IpAllowlist { get; init; }

    /// <summary>True when members must have MFA on.</summary>
    public required bool RequireMfa { get; init; }
}

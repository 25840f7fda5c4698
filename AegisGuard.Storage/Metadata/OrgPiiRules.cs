namespace AegisGuard.Storage.Metadata;

/// <summary>The opt-in PII rules of an org (both off by default).</summary>
public sealed record OrgPiiRules
{
    /// <summary>True when IPv4 and IPv6 addresses are scrubbed.</summary>
    public required bool IpAddresses { get; init; }

    /// <summary>True when phone numbers are scrubbed.</summary>
    public required bool PhoneNumbers { get; init; }
}

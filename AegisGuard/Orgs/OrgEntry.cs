using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Orgs;

/// <summary>
/// An org, its PII hashing key and its access settings (parsed once per cache load). The PII key is missing when the key
/// ring cannot decrypt it: check <see cref="PiiKeyAvailable"/> first (or catch <see cref="KeyRingUnavailableException"/>
/// from <see cref="PiiKey"/>) and hold the org's records back, answering 503, until the ring is restored.
/// </summary>
public sealed class OrgEntry(Org org, byte[]? piiKey, KeyRingUnavailableException? piiKeyProblem, IpAllowlist allowlist, bool requireMfa,
    PiiRules piiRules = PiiRules.None)
{
    /// <summary>The stored org.</summary>
    public Org Org { get; } = org;

    /// <summary>False when the key ring cannot decrypt the org's PII key.</summary>
    public bool PiiKeyAvailable => piiKey is not null;

    /// <summary>The unprotected key for deterministic PII hashing; throws <see cref="KeyRingUnavailableException"/> when unavailable.</summary>
    public byte[] PiiKey => piiKey ?? throw new KeyRingUnavailableException(
        $"the PII key of org '{Org.Slug}' cannot be decrypted: {piiKeyProblem?.Message}", piiKeyProblem ?? new KeyRingUnavailableException());

    /// <summary>Addresses that may reach the org's ingestion and API.</summary>
    public IpAllowlist Allowlist { get; } = allowlist;

    /// <summary>True when members must have MFA on.</summary>
    public bool RequireMfa { get; } = requireMfa;

    /// <summary>The opt-in PII rules the org switched on (IP addresses, phone numbers).</summary>
    public PiiRules PiiRules { get; } = piiRules;
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Orgs;

/// <summary>
/// Orgs as the hot paths see them (rate limits, PII mode and key, IP allowlist), cached for a few seconds so neither the
/// ingest API nor the normalizer reads SQLite per batch. Settings changes call <see cref="Invalidate"/>.
/// </summary>
public sealed class OrgDirectory(MetadataStore store, SecretProtector protector, TimeProvider time, KeyRingCheck? keyRing = null)
{
    public const string DefaultOrgSlug = "default";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<int, CachedOrg> cache = new();

    /// <summary>
    /// The org with this id, or null when there is none. Never throws for a missing key ring: the entry then has
    /// <see cref="OrgEntry.PiiKeyAvailable"/> false (its settings and allowlist still apply) and the health board
    /// reports <c>key-ring</c>.
    /// </summary>
    public OrgEntry? Find(int orgId)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(orgId, out var cached) && now - cached.LoadedAt < Ttl)
        {
            return cached.Entry;
        }

        var org = store.FindOrg(orgId);
        var security = org is null ? null : store.FindOrgSecurity(orgId);
        OrgEntry? entry = null;
        if (org is not null && security is not null)
        {
            byte[]? piiKey = null;
            KeyRingUnavailableException? keyProblem = null;
            try
            {
                piiKey = protector.UnprotectPiiKey(org.PiiKeyProtected);
            }
            catch (KeyRingUnavailableException ex)
            {
                keyProblem = ex;
                keyRing?.ReportUnavailable(ex);
            }

            var rules = store.FindOrgPiiRules(orgId);
            var piiRules = (rules?.IpAddresses == true ? PiiRules.IpAddresses : PiiRules.None) |
                           (rules?.PhoneNumbers == true ? PiiRules.PhoneNumbers : PiiRules.None);
            entry = new OrgEntry(org, piiKey, keyProblem, IpAllowlist.FromStored(security.IpAllowlist), security.RequireMfa, piiRules);
        }

        cache[orgId] = new CachedOrg(entry, now);
        return entry;
    }

    /// <summary>Forgets the cached copy after the org's settings changed.</summary>
    public void Invalidate(int orgId) => cache.TryRemove(orgId, out _);

    /// <summary>
    /// Creates an org (with a fresh PII hashing key) unless its slug exists. An existing org is only read, without touching
    /// the key ring: protecting a key may make Data Protection write a new key file, which must not happen at every start
    /// (nor fail one on a full disk, nor make a new key while the old ring is missing).
    /// </summary>
    public Org Ensure(string slug, string name) =>
        store.FindOrgBySlug(slug) ?? store.EnsureOrg(slug, name, protector.ProtectPiiKey(RandomNumberGenerator.GetBytes(32)));

    private sealed record CachedOrg(OrgEntry? Entry, DateTimeOffset LoadedAt);
}

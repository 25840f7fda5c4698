using System.Collections.Concurrent;
using System.Security.Cryptography;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.WebUtilities;

namespace AegisGuard.Identity.ApiKeys;

/// <summary>
/// Creates, resolves, revokes and rotates API keys. The id (<c>obs_…</c>) is public; the secret is shown once
/// and stored encrypted, because HMAC verification needs it back. Resolved keys are cached briefly so signed
/// ingestion does not decrypt per request; revocation through this service takes effect at once (other
/// processes' changes within <see cref="CacheTtl"/>).
/// </summary>
public sealed class ApiKeyService(MetadataStore store, SecretProtector protector, TimeProvider time, KeyRingCheck? keyRing = null)
{
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);
    private const string IdAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    private readonly ConcurrentDictionary<string, CachedKey> cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastUseWritten = new(StringComparer.Ordinal);

    public CreatedApiKey Create(int orgId, string name, IReadOnlyList<string> scopes, string? createdBy)
    {
        string id = "obs_" + RandomNumberGenerator.GetString(IdAlphabet, 20);
        string secret = NewSecret();
        var now = time.GetUtcNow().UtcDateTime;
        store.InsertApiKey(new ApiKeyRow
        {
            Id = id,
            OrgId = orgId,
            Name = name,
            Scopes = scopes,
            SecretProtected = protector.ProtectApiKeySecret(secret),
            CreatedAt = now,
            CreatedBy = createdBy,
        });
        return new CreatedApiKey(id, secret, name, scopes, now);
    }

    /// <summary>
    /// The key with this id, decrypted (revoked keys included, flagged), or null when unknown. Throws
    /// <see cref="KeyRingUnavailableException"/> (answered 503 by the global exception handler) when the key ring cannot
    /// decrypt its secret; <see cref="Lookup"/> returns that as a state instead.
    /// </summary>
    public ResolvedApiKey? Resolve(string keyId)
    {
        var lookup = Lookup(keyId);
        return lookup.Status == ApiKeyLookupStatus.KeyRingUnavailable ? throw lookup.KeyRingProblem! : lookup.Key;
    }

    /// <summary>
    /// Looks the key up without throwing for a missing key ring: <see cref="ApiKeyLookupStatus.KeyRingUnavailable"/> means
    /// the key exists but its secret cannot be decrypted (answer 503; the health board reports <c>key-ring</c>).
    /// </summary>
    public ApiKeyLookup Lookup(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var now = time.GetUtcNow();
        if (cache.TryGetValue(keyId, out var cached) && now - cached.LoadedAt < CacheTtl)
        {
            return cached.Key is null ? ApiKeyLookup.Unknown : new ApiKeyLookup(ApiKeyLookupStatus.Found, cached.Key, null);
        }

        var row = keyId.Length <= 64 ? store.FindApiKey(keyId) : null;
        ResolvedApiKey? key;
        try
        {
            key = row is null ? null : new ResolvedApiKey(
                row.Id,
                row.OrgId,
                row.Scopes,
                SecretProtector.SecretBytes(protector.UnprotectApiKeySecret(row.SecretProtected)),
                row.PreviousSecretProtected is null ? null : SecretProtector.SecretBytes(protector.UnprotectApiKeySecret(row.PreviousSecretProtected)),
                row.PreviousExpiresAt,
                row.RevokedAt is not null);
        }
        catch (KeyRingUnavailableException ex)
        {
            keyRing?.ReportUnavailable(ex);
            return new ApiKeyLookup(ApiKeyLookupStatus.KeyRingUnavailable, null, ex); // not cached: a restored ring works at once
        }

        if (cache.Count > 100_000)
        {
            cache.Clear(); // unknown ids are cached too; never let probing grow this without bound
        }

        cache[keyId] = new CachedKey(key, now);
        return key is null ? ApiKeyLookup.Unknown : new ApiKeyLookup(ApiKeyLookupStatus.Found, key, null);
    }

    public IReadOnlyList<ApiKeyRow> List(int orgId) => store.ListApiKeys(orgId);

    public bool Revoke(int orgId, string keyId)
    {
        bool revoked = store.RevokeApiKey(orgId, keyId, time.GetUtcNow().UtcDateTime);
        cache.TryRemove(keyId, out _);
        return revoked;
    }

    /// <summary>Gives the key a new secret; the old one keeps working for <paramref name="grace"/>.</summary>
    public CreatedApiKey? Rotate(int orgId, string keyId, TimeSpan grace)
    {
        var row = store.FindApiKey(keyId);
        if (row is null || row.OrgId != orgId || row.RevokedAt is not null)
        {
            return null;
        }

        string secret = NewSecret();
        var now = time.GetUtcNow().UtcDateTime;
        if (!store.RotateApiKey(orgId, keyId, protector.ProtectApiKeySecret(secret), now + grace))
        {
            return null;
        }

        cache.TryRemove(keyId, out _);
        return new CreatedApiKey(row.Id, secret, row.Name, row.Scopes, now);
    }

    /// <summary>Records a use, writing to the database at most once a minute per key.</summary>
    public void NoteUse(ResolvedApiKey key)
    {
        var now = time.GetUtcNow();
        if (lastUseWritten.TryGetValue(key.Id, out var written) && now - written < LastUsedResolution)
        {
            return;
        }

        lastUseWritten[key.Id] = now;
        store.TouchApiKey(key.Id, now.UtcDateTime);
    }

    private static string NewSecret() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private sealed record CachedKey(ResolvedApiKey? Key, DateTimeOffset LoadedAt);
}

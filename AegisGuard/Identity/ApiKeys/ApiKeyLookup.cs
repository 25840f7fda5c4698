namespace AegisGuard.Identity.ApiKeys;

/// <summary>The outcome of <see cref="ApiKeyService.Lookup"/>: a key, no such key, or a key whose secret the key ring cannot decrypt.</summary>
/// <param name="Status">Which of the three it is.</param>
/// <param name="Key">The decrypted key when <paramref name="Status"/> is <see cref="ApiKeyLookupStatus.Found"/>.</param>
/// <param name="KeyRingProblem">Why the secret cannot be decrypted, when it cannot.</param>
public sealed record ApiKeyLookup(ApiKeyLookupStatus Status, ResolvedApiKey? Key, KeyRingUnavailableException? KeyRingProblem)
{
    public static readonly ApiKeyLookup Unknown = new(ApiKeyLookupStatus.Unknown, null, null);
}

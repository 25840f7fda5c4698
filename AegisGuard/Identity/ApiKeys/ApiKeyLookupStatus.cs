namespace AegisGuard.Identity.ApiKeys;

/// <summary>What looking up an API key found.</summary>
public enum ApiKeyLookupStatus
{
    /// <summary>No key has this id (answer 401).</summary>
    Unknown,

    /// <summary>The key exists and its secret is decrypted (it may be revoked: check <see cref="ResolvedApiKey.Revoked"/>).</summary>
    Found,

    /// <summary>The key exists, but the key ring cannot decrypt its secret: answer 503, not 401 (the client did nothing wrong).</summary>
    KeyRingUnavailable,
}

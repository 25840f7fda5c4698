using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace AegisGuard.Identity;

/// <summary>
/// Encrypts secrets that must be recoverable (API-key secrets are needed to verify HMACs; org PII keys to hash; TOTP secrets to check codes; the session signing key)
/// with ASP.NET Data Protection. The key ring lives in <c>data/keys</c>, apart from meta.db, so a copy of the
/// database alone does not reveal them. When the ring lacks the key a value needs, every method throws
/// <see cref="KeyRingUnavailableException"/> (never a raw <see cref="CryptographicException"/>), which callers turn into 503.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector apiKeys = provider.CreateProtector("AegisGuard.ApiKeys.Secret.v1");
    private readonly IDataProtector piiKeys = provider.CreateProtector("AegisGuard.Orgs.PiiKey.v1");
    private readonly IDataProtector sessionKeys = provider.CreateProtector("AegisGuard.Sessions.SigningKey.v1");
    private readonly IDataProtector totpSecrets = provider.CreateProtector("AegisGuard.Users.TotpSecret.v1");

    public string ProtectApiKeySecret(string secret) => Guarded(() => apiKeys.Protect(secret));

    public string UnprotectApiKeySecret(string protectedSecret) => Guarded(() => apiKeys.Unprotect(protectedSecret));

    public string ProtectPiiKey(byte[] key) => Guarded(() => piiKeys.Protect(Convert.ToBase64String(key)));

    public byte[] UnprotectPiiKey(string protectedKey) => Convert.FromBase64String(Guarded(() => piiKeys.Unprotect(protectedKey)));

    public string ProtectSigningKey(byte[] key) => Guarded(() => sessionKeys.Protect(Convert.ToBase64String(key)));

    public byte[] UnprotectSigningKey(string protectedKey) => Convert.FromBase64String(Guarded(() => sessionKeys.Unprotect(protectedKey)));

    public string ProtectTotpSecret(string secret) => Guarded(() => totpSecrets.Protect(secret));

    public string UnprotectTotpSecret(string protectedSecret) => Guarded(() => totpSecrets.Unprotect(protectedSecret));

    /// <summary>UTF-8 bytes of a secret, as HMAC uses them (like <c>openssl dgst -hmac "$SECRET"</c>).</summary>
    public static byte[] SecretBytes(string secret) => Encoding.UTF8.GetBytes(secret);

    private static T Guarded<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (CryptographicException ex)
        {
            // Decrypting a value we wrote ourselves fails only when its key is not in the ring.
            throw new KeyRingUnavailableException($"data/keys lacks the Data Protection key this secret was encrypted with ({ex.Message})", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Thrown by Data Protection when the ring has no usable key and may not create one (see KeyRingCheck).
            throw new KeyRingUnavailableException($"data/keys holds no usable Data Protection key ({ex.Message})", ex);
        }
    }
}

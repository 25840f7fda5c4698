using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace AegisGuard.Identity;

/// <summary>
/// Encrypts secrets that must be recoverable (API-key secrets are needed to verify HMACs; org PII keys to hash; TOTP secrets to check codes; the session signing key)
/// with ASP.NET Data Protection. The key ring lives in <c>data/keys</c>, apart from meta.db, so a copy of the
/// database alone does not reveal them.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector apiKeys = provider.CreateProtector("AegisGuard.ApiKeys.Secret.v1");
    private readonly IDataProtector piiKeys = provider.CreateProtector("AegisGuard.Orgs.PiiKey.v1");
    private readonly IDataProtector sessionKeys = provider.CreateProtector("AegisGuard.Sessions.SigningKey.v1");
    private readonly IDataProtector totpSecrets = provider.CreateProtector("AegisGuard.Users.TotpSecret.v1");

    public string ProtectApiKeySecret(string secret) => apiKeys.Protect(secret);

    public string UnprotectApiKeySecret(string protectedSecret) => apiKeys.Unprotect(protectedSecret);

    public string ProtectPiiKey(byte[] key) => piiKeys.Protect(Convert.ToBase64String(key));

    public byte[] UnprotectPiiKey(string protectedKey) => Convert.FromBase64String(piiKeys.Unprotect(protectedKey));

    public string ProtectSigningKey(byte[] key) => sessionKeys.Protect(Convert.ToBase64String(key));

    public byte[] UnprotectSigningKey(string protectedKey) => Convert.FromBase64String(sessionKeys.Unprotect(protectedKey));

    public string ProtectTotpSecret(string secret) => totpSecrets.Protect(secret);

    public string UnprotectTotpSecret(string protectedSecret) => totpSecrets.Unprotect(protectedSecret);

    /// <summary>UTF-8 bytes of a secret, as HMAC uses them (like <c>openssl dgst -hmac "$SECRET"</c>).</summary>
    public static byte[] SecretBytes(string secret) => Encoding.UTF8.GetBytes(secret);
}

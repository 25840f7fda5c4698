using System.Security.Cryptography;
using System.Text;

namespace AegisGuard.Identity.ApiKeys;

/// <summary>A key with its secret(s) decrypted, as authentication needs it. Comparisons are constant-time.</summary>
public sealed record ResolvedApiKey(
    string Id,
    int OrgId,
    IReadOnlyList<string> Scopes,
    byte[] Secret,
    byte[]? PreviousSecret,
    DateTime? PreviousExpiresAt,
    bool Revoked)
{
    public bool HasScope(string scope) => Scopes.Contains(scope);

    /// <summary>True when <paramref name="signature"/> is HMAC-SHA256 of <paramref name="body"/> under the secret (or the previous one during its grace period).</summary>
    public bool VerifySignature(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature, DateTime now)
    {
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Secret, body, expected);
        bool ok = CryptographicOperations.FixedTimeEquals(expected, signature);
        if (!ok && PreviousSecret is not null && now < PreviousExpiresAt)
        {
            HMACSHA256.HashData(PreviousSecret, body, expected);
            ok = CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return ok;
    }

    /// <summary>True when <paramref name="presented"/> is the secret (or the previous one during its grace period).</summary>
    public bool VerifySecret(string presented, DateTime now)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(presented);
        bool ok = CryptographicOperations.FixedTimeEquals(bytes, Secret);
        if (!ok && PreviousSecret is not null && now < PreviousExpiresAt)
        {
            ok = CryptographicOperations.FixedTimeEquals(bytes, PreviousSecret);
        }

        return ok;
    }
}

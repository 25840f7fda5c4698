using System.Security.Cryptography;
using System.Text;

namespace AegisGuard.Identity.Mfa;

/// <summary>
/// One-time recovery codes: ten random codes of 10 characters (50 bits each) shown once and stored as SHA-256.
/// A fast hash is enough here because the codes are random, not chosen by people.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    /// <summary>New codes in the form <c>xxxxx-xxxxx</c>.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new List<string>(Count);
        for (int i = 0; i < Count; i++)
        {
            string raw = RandomNumberGenerator.GetString(Alphabet, 10);
            codes.Add($"{raw[..5]}-{raw[5..]}");
        }

        return codes;
    }

    /// <summary>The stored form of a code as typed (case, spaces and dashes do not matter).</summary>
    public static string Hash(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        string canonical = new([.. code.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>True when <paramref name="code"/> looks like a recovery code rather than a 6-digit TOTP.</summary>
    public static bool LooksLikeRecoveryCode(string? code) =>
        code is not null && code.Count(char.IsLetterOrDigit) == 10;
}

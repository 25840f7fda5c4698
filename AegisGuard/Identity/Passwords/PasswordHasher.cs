using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace AegisGuard.Identity.Passwords;

/// <summary>
/// Argon2id password hashes in the PHC string format, <c>$argon2id$v=19$m=19456,t=2,p=1$&lt;salt&gt;$&lt;hash&gt;</c>:
/// the parameters travel with each hash, so raising them later only needs a rehash at the user's next sign-in
/// (<see cref="PasswordVerification.NeedsRehash"/>). Defaults are OWASP's (19 MiB, 2 passes, 1 lane).
/// </summary>
public sealed class PasswordHasher(IOptions<SecurityOptions> options)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private readonly Lazy<string> dummy = new(() => new PasswordHasher(options).Hash("not-a-real-password-" + Guid.NewGuid()));

    /// <summary>The parameters new hashes are made with.</summary>
    public Argon2Parameters Current => new(options.Value.Argon2MemoryKiB, options.Value.Argon2Iterations, options.Value.Argon2Parallelism);

    /// <summary>A new salted hash of <paramref name="password"/> with the current parameters.</summary>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parameters = Current;
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Compute(password, salt, parameters, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${ToB64(salt)}${ToB64(hash)}");
    }

    /// <summary>Checks <paramref name="password"/> against a stored hash in constant time.</summary>
    public PasswordVerification Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(stored, out var parameters, out byte[] salt, out byte[] expected))
        {
            return PasswordVerification.Failed;
        }

        byte[] actual = Compute(password, salt, parameters, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }

        return new PasswordVerification(true, parameters != Current);
    }

    /// <summary>
    /// Spends the same work as <see cref="Verify"/> against a throwaway hash, so an unknown e-mail answers no
    /// faster than a known one with a wrong password.
    /// </summary>
    public void VerifyDummy(string password) => Verify(password ?? string.Empty, dummy.Value);

    private static byte[] Compute(string password, byte[] salt, Argon2Parameters parameters, int length)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = parameters.MemoryKiB,
            Iterations = parameters.Iterations,
            DegreeOfParallelism = parameters.Parallelism,
        };
        return argon.GetBytes(length);
    }

    private static bool TryParse(string stored, out Argon2Parameters parameters, out byte[] salt, out byte[] hash)
    {
        parameters = default;
        salt = [];
        hash = [];
        // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
        string[] parts = (stored ?? string.Empty).Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        foreach (string pair in parts[3].Split(','))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 || !int.TryParse(pair.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                return false;
            }

            switch (pair[..eq])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        if (m < 8 || t < 1 || p < 1)
        {
            return false;
        }

        try
        {
            salt = FromB64(parts[4]);
            hash = FromB64(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }

        parameters = new Argon2Parameters(m, t, p);
        return salt.Length >= 8 && hash.Length >= 16;
    }

    // PHC strings use unpadded standard base64.
    private static string ToB64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) => Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
}

namespace AegisGuard.Identity.Passwords;

/// <summary>
/// The minimum strength rule: at least 12 characters, at least three of the four character classes (lower case,
/// upper case, digits, symbols), not the e-mail address or its name part, and not a well-known password. Length
/// and variety stop guessing; the list stops the first guesses every attacker makes.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 256;

    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password1234", "Password1234", "Password123!", "Passw0rd1234", "P@ssw0rd1234", "P@ssword1234", "Qwerty123456", "Qwerty12345!",
        "123456789012", "Welcome12345", "Welcome123!!", "Admin1234567", "Administrator1", "Letmein12345", "Iloveyou1234", "Changeme1234",
        "ChangeMe123!", "ChangeMeNow!123", "Summer2024!!", "Winter2024!!", "Spring2025!!", "Autumn2025!!", "Football1234", "Monkey123456",
        "Dragon123456", "Baseball1234", "Sunshine1234", "Princess1234", "Trustno1!!!!", "Abc123456789", "Aa1234567890", "Password!234",
        "Aegis1234567", "AegisGuard123", "Observability1", "Qwertyuiop12", "Zaq12wsxcde3", "1q2w3e4r5t6y", "Q1w2e3r4t5y6",
    };

    /// <summary>Null when <paramref name="password"/> is acceptable for <paramref name="email"/>, else the reason in plain words.</summary>
    public static string? Check(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "is required";
        }

        if (password.Length < MinLength)
        {
            return $"must be at least {MinLength} characters long (it has {password.Length})";
        }

        if (password.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters long";
        }

        int classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0) +
                      (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3)
        {
            return "must mix at least three of: lower-case letters, upper-case letters, digits, symbols";
        }

        if (!string.IsNullOrEmpty(email))
        {
            string local = email.Split('@')[0];
            if (string.Equals(password, email, StringComparison.OrdinalIgnoreCase) ||
                (local.Length >= 4 && password.Contains(local, StringComparison.OrdinalIgnoreCase)))
            {
                return "must not contain your e-mail address or its name part";
            }
        }

        if (Common.Contains(password))
        {
            return "is a well-known password; choose another";
        }

        return null;
    }
}

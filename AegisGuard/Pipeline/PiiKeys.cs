namespace AegisGuard.Pipeline;

/// <summary>
/// What an attribute or label name says about its value: a secret (its value is redacted whole, whatever it is), an
/// SSN (a bare 9-digit value is one) or a phone number (a bare digit run is one, when the org scrubs phones). Names are
/// split into words at separators and camelCase, so <c>X-Auth-Token</c>, <c>access_token</c>, <c>userPassword</c> and
/// <c>customer.ssn</c> are recognised while <c>input_tokens</c> and <c>token_count</c> are not.
/// </summary>
internal static class PiiKeys
{
    // Any of these words anywhere in the name marks a secret.
    private static readonly string[] SecretWords =
        ["authorization", "password", "passwd", "passphrase", "secret", "cookie", "credential", "credentials", "apikey", "privatekey"];

    // These only as the last word: "token" names a token, "token count" does not.
    private static readonly string[] SecretLastWords = ["token", "pwd", "jwt", "signature"];

    // Word pairs that name a secret together.
    private static readonly (string First, string Second)[] SecretPairs =
        [("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("set", "cookie")];

    private static readonly string[] SsnWords = ["ssn", "socialsecurity", "socialsecuritynumber"];

    private static readonly string[] PhoneWords = ["phone", "telephone", "mobile", "msisdn", "tel", "cell", "fax"];

    // Attribute names repeat across events: classify each once. Bounded, so a sender inventing names cannot grow it.
    private const int MaxCached = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PiiKeyKind> Cache = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="name"/> says about its value.</summary>
    public static PiiKeyKind Classify(string name)
    {
        if (Cache.TryGetValue(name, out var kind))
        {
            return kind;
        }

        kind = IsSecret(name) ? PiiKeyKind.Secret : IsSsn(name) ? PiiKeyKind.Ssn : IsPhone(name) ? PiiKeyKind.Phone : PiiKeyKind.None;
        if (Cache.Count < MaxCached)
        {
            Cache.TryAdd(name, kind);
        }

        return kind;
    }

    public static bool IsSecret(string name)
    {
        Span<Range> words = stackalloc Range[32];
        int count = Split(name, words);
        ReadOnlySpan<char> span = name;
        for (int i = 0; i < count; i++)
        {
            var word = span[words[i]];
            if (AnyEquals(word, SecretWords))
            {
                return true;
            }

            if (i + 1 < count)
            {
                var next = span[words[i + 1]];
                foreach (var (first, second) in SecretPairs)
                {
                    if (word.Equals(first, StringComparison.OrdinalIgnoreCase) && next.Equals(second, StringComparison.OrdinalIgnoreCase))
                    {
                        return true;
                    }
                }
            }
        }

        return count > 0 && AnyEquals(span[words[count - 1]], SecretLastWords);
    }

    public static bool IsSsn(string name) => HasWordOrRun(name, SsnWords, "social", "security");

    public static bool IsPhone(string name) => HasWordOrRun(name, PhoneWords, null, null);

    private static bool HasWordOrRun(string name, string[] words, string? first, string? second)
    {
        Span<Range> ranges = stackalloc Range[32];
        int count = Split(name, ranges);
        ReadOnlySpan<char> span = name;
        for (int i = 0; i < count; i++)
        {
            var word = span[ranges[i]];
            if (AnyEquals(word, words))
            {
                return true;
            }

            if (first is not null && i + 1 < count && word.Equals(first, StringComparison.OrdinalIgnoreCase) &&
                span[ranges[i + 1]].Equals(second, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyEquals(ReadOnlySpan<char> word, string[] candidates)
    {
        foreach (string candidate in candidates)
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words of a name: split at anything but letters and digits, and before an upper-case letter after a lower-case one.</summary>
    private static int Split(string name, Span<Range> words)
    {
        int count = 0;
        int start = -1;
        for (int i = 0; i <= name.Length && count < words.Length; i++)
        {
            bool boundary = i == name.Length || !char.IsLetterOrDigit(name[i]) ||
                            (start >= 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1]));
            if (boundary && start >= 0)
            {
                words[count++] = start..i;
                start = -1;
            }

            if (i < name.Length && char.IsLetterOrDigit(name[i]) && start < 0)
            {
                start = i;
            }
        }

        return count;
    }
}

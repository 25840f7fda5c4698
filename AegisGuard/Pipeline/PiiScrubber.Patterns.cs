using System.Text.RegularExpressions;

namespace AegisGuard.Pipeline;

public sealed partial class PiiScrubber
{
    private const RegexOptions PatternOptions = RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    // SSNs and card candidates in one pass (ClassifyNumber tells them apart). [0-9], never \d: \d also matches other
    // scripts' digits, which Luhn and the SSN rules know nothing about.
    //
    // The lookarounds stand in for word boundaries: a finding must not touch a letter or digit ('_' is a separator,
    // so card_4111111111111111_total is found), nor continue into more digits through its own kind of separator, so
    // "+1-555-12-3456", "9123-45-67890", UUIDs, decimals like 0.4111111111111111 and 20-digit ids stay whole. A
    // different separator does not join runs, so "cards 4111-... 5500-..." finds both.
    //
    // Space-separated forms only refuse a neighbouring group of 3+ digits (which could be one of their own groups, as
    // in "ref 4111 1111 1111 1111 2222"): a shorter number before them ("qty 2 4111 1111 1111 1111", the day of
    // "2025-10-31 4111 ...") cannot be, so it does not hide the card.
    //
    // A '+' before digits makes them an international phone number (+4915112345678 passes Luhn), never a card.
    //
    // Cards never start with 0 (no payment network issues that prefix), which keeps zero-padded ids such as the
    // all-zero OpenTelemetry span id 0000000000000000 (Luhn-valid!) out. Grouped cards use groups of 3-6 digits after
    // a 4-6 digit head, as printed on cards and in forms, so dates (2025-10-31) and lists of small numbers are not
    // candidates. Nine bare digits are an SSN only right after a word that says so (ssn, social security number).
    [GeneratedRegex(NumberPattern, PatternOptions, MatchTimeoutMilliseconds)]
    private static partial Regex NumberRegex { get; }

    private const string NumberPattern = """
          (?<![\p{L}\p{N}]|[0-9][-.,]) (?!000|666|9) [0-9]{3} - (?!00)[0-9]{2} - (?!0000)[0-9]{4} (?![\p{L}\p{N}]|[-.,][0-9])
        | (?<![\p{L}\p{N}]|[0-9][.,]|[0-9]{3}\x20) (?!000|666|9) [0-9]{3} \x20 (?!00)[0-9]{2} \x20 (?!0000)[0-9]{4} (?![\p{L}\p{N}]|[.,][0-9]|\x20[0-9]{3})
        | (?<=(?<!\p{L})(?i:ssn|social[\x20_.-]?security(?:[\x20_.-]?(?:number|no))?)(?:\x20(?i:is))?[\x20:=\#"'._\\-]{0,6})
          (?!000|666|9) [0-9]{3} (?!00)[0-9]{2} (?!0000)[0-9]{4} (?![\p{L}\p{N}])
        | (?<![\p{L}\p{N}+]|[0-9][-.,]) [1-9][0-9]{12,18} (?![\p{L}\p{N}]|[-.,][0-9])
        | (?<![\p{L}\p{N}+]|[0-9][-.,]) [1-9][0-9]{3,5} (?:-[0-9]{3,6}){1,4} (?![\p{L}\p{N}]|[-.,][0-9])
        | (?<![\p{L}\p{N}+]|[0-9][-.,]) [1-9][0-9]{3,5} (?:\.[0-9]{3,6}){1,4} (?![\p{L}\p{N}]|[-.,][0-9])
        | (?<![\p{L}\p{N}+]|[0-9][.,]|[0-9]{3}\x20) [1-9][0-9]{3,5} (?:\x20[0-9]{3,6}){1,4} (?![\p{L}\p{N}]|[.,][0-9]|\x20[0-9]{3})
        """;

    // Secrets in free text; the group v is what is redacted:
    // - the userinfo of a URL with a password (https://user:pass@host keeps https:// and @host),
    // - the token after "Bearer",
    // - the value after a secret word and ':' or '=' (password=..., "api_key": "...", Authorization: Basic ...),
    //   also with JSON's escaped quotes around the name (a JSON document carried in a message or attribute).
    [GeneratedRegex(SecretPattern, PatternOptions, MatchTimeoutMilliseconds)]
    private static partial Regex SecretRegex { get; }

    private const string SecretPattern = """
          :// (?<v>[^\s/?\#@:"'<>\\]*:[^\s/?\#@"'<>\\]*) @
        | (?<!\p{L}) (?i:bearer) [\x20\t]+ (?<v>[A-Za-z0-9._~+/-]{8,}=*)
        | (?<!\p{L}) (?i:password|passwd|passphrase|secret|api[_-]?key|token|authorization) (?![\p{L}\p{N}])
          \\?["']? \x20? [:=] \x20? \\?["']? (?:(?i:bearer|basic|digest|token)\x20+)? (?<v>[^\s"'&,;<>\\]+)
        """;

    // Opt-in: IPv4 with every octet 0-255, not part of a longer dotted run (versions 1.2.3.4.5, OIDs).
    [GeneratedRegex(Ipv4Pattern, PatternOptions, MatchTimeoutMilliseconds)]
    private static partial Regex Ipv4Regex { get; }

    private const string Ipv4Pattern = """
        (?<![\p{L}\p{N}.]|[0-9][.:-])
        (?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])
        (?![\p{L}\p{N}]|\.[0-9])
        """;

    // Opt-in: IPv6 candidates (hex groups and colons, optionally ending in an IPv4); IPAddress.TryParse decides, so
    // times (10:00:00), MAC addresses and C++ scopes (std::vector) are not addresses.
    [GeneratedRegex(Ipv6Pattern, PatternOptions, MatchTimeoutMilliseconds)]
    private static partial Regex Ipv6Regex { get; }

    private const string Ipv6Pattern = """
        (?<![\p{L}\p{N}_:.])
        (?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)
        [0-9A-Fa-f:]{2,39} (?:(?<=:)(?:[0-9]{1,3}\.){3}[0-9]{1,3})?
        (?![\p{L}\p{N}_:]|\.[0-9])
        """;

    // Opt-in: E.164 (+ and 8-15 digits, with spaces, dots, dashes or brackets between), North American
    // (555) 123-4567 / 555-123-4567, and national numbers with a trunk 0 (020 7946 0958, 06 12 34 56 78) of 9-12
    // digits, so dates such as 06-12-2025 (8 digits) are not phone numbers.
    [GeneratedRegex(PhonePattern, PatternOptions, MatchTimeoutMilliseconds)]
    private static partial Regex PhoneRegex { get; }

    private const string PhonePattern = """
        (?<![\p{L}\p{N}+]|[0-9][.,:-])
        (?: \+[1-9] (?:[\x20.()-]{0,2}[0-9]){7,14}
          | \(?[2-9][0-9]{2}\)? [\x20.-]? [0-9]{3} [\x20.-] [0-9]{4}
          | 0[1-9] (?:[\x20.-]?[0-9]){7,10}
        )
        (?![\p{L}\p{N}]|[.,:-][0-9])
        """;
}

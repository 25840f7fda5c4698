using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AegisGuard.Pipeline;

/// <summary>
/// Removes personal data and secrets from telemetry text before it is stored: always e-mail addresses, US social
/// security numbers, payment card numbers, secrets (bearer tokens, <c>password=…</c>, URL credentials and the whole
/// value of secret-named attributes), and per org IP addresses and phone numbers (<see cref="PiiRules"/>). Findings
/// become fixed markers (<see cref="PiiMode.Redact"/>) or keyed hashes (<see cref="PiiMode.Hash"/>) that keep equal
/// values groupable without keeping the values; secrets are always redacted.
/// </summary>
/// <remarks>
/// Runs on every ingested value, so the common case (nothing to find) must cost a few vectorised scans and no
/// allocation: each rule has a cheap pre-filter (an '@' for e-mails, a run of 9+ digits for SSNs and cards, a keyword
/// for secrets) and most values run no regex at all. Escapes that could hide a finding (JSON <c>\u0040</c>, URL
/// <c>%40</c>/<c>%2540</c>, HTML <c>&amp;#64;</c>) are decoded for the scan (<see cref="PiiTextView"/>). The patterns
/// lean towards leaving look-alikes alone (order ids, trace ids, timestamps, versions): a scrubber that mangles
/// ordinary telemetry gets switched off, and then it scrubs nothing. Immutable and safe to share across threads.
/// </remarks>
public sealed partial class PiiScrubber
{
    /// <summary>
    /// Generous for one value: the patterns are bounded, so hitting this means a pathological input or, more often,
    /// a CPU-starved thread (seen at 250 ms under load). Either way the value is redacted whole (fail closed).
    /// </summary>
    private const int MatchTimeoutMilliseconds = 1000;

    /// <summary>What replaces a whole value the scrubber could not finish scanning.</summary>
    public const string UnscannedMarker = "[REDACTED:unscanned]";

    /// <summary>What replaces a secret: never hashed, as a token per password would still tell equal passwords apart.</summary>
    public const string SecretMarker = "[REDACTED:secret]";

    internal const string EmailKind = "email";
    internal const string SsnKind = "ssn";
    internal const string CardKind = "card";
    internal const string SecretKind = "secret";
    internal const string IpKind = "ip";
    internal const string PhoneKind = "phone";

    private static long unscannedValues;

    private const int MinimumKeyLength = 16;

    // Hash tokens keep 40 bits of the HMAC: enough that distinct values in one org practically
    // never share a token, short enough to read in a log line, and far too little to brute-force
    // back to a value without the key anyway.
    private const int TokenHashBytes = 5;

    private const string LowerHex = "0123456789abcdef";

    // Raw JSON values up to this size are checked without making a string of them.
    private const int MaxStackCheck = 512;

    // Anything a rule could start from: digits (numbers, IPs, phones), '@' (e-mails) and the escapes that hide them.
    private static readonly SearchValues<char> Triggers = SearchValues.Create("@%&\\0123456789");

    private static readonly SearchValues<byte> JsonTriggers = SearchValues.Create("@%&\\0123456789"u8);

    // Words that announce a secret in free text (checked only when no trigger character is present, or for the rule).
    private static readonly SearchValues<string> SecretWords = SearchValues.Create(
        ["bearer", "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "api-key", "authorization"],
        StringComparison.OrdinalIgnoreCase);

    private readonly byte[] hashKey;
    private readonly Regex number;
    private readonly Regex secret;
    private readonly Regex ipv4;
    private readonly Regex ipv6;
    private readonly Regex phone;

    /// <param name="mode">Whether findings become fixed markers or keyed hashes.</param>
    /// <param name="hashKey">
    /// The org's secret key for <see cref="PiiMode.Hash"/>; copied, so later changes to the array do
    /// not change the tokens. Required in both modes so switching mode is a configuration change
    /// and not a key-provisioning one.
    /// </param>
    /// <param name="rules">The opt-in rules the org switched on.</param>
    /// <exception cref="ArgumentException">The key is null or shorter than 16 bytes.</exception>
    public PiiScrubber(PiiMode mode, byte[] hashKey, PiiRules rules = PiiRules.None)
    {
        ArgumentNullException.ThrowIfNull(hashKey);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown PII mode.");
        }

        // A short key makes the 10-hex tokens of low-entropy values (SSNs have < 10^9 of them)
        // a dictionary lookup away from the value.
        if (hashKey.Length < MinimumKeyLength)
        {
            throw new ArgumentException(
                $"The PII hash key must be at least {MinimumKeyLength} bytes.", nameof(hashKey));
        }

        Mode = mode;
        Rules = rules;
        this.hashKey = (byte[])hashKey.Clone();
        number = NumberRegex;
        secret = SecretRegex;
        ipv4 = Ipv4Regex;
        ipv6 = Ipv6Regex;
        phone = PhoneRegex;
    }

    /// <summary>
    /// The same scrubber with interpreted patterns bounded by <paramref name="matchTimeout"/> instead of the generated
    /// ones: lets tests prove that a timeout fails closed.
    /// </summary>
    internal PiiScrubber(PiiMode mode, byte[] hashKey, TimeSpan matchTimeout, PiiRules rules = PiiRules.None)
        : this(mode, hashKey, rules)
    {
        number = new Regex(NumberPattern, PatternOptions, matchTimeout);
        secret = new Regex(SecretPattern, PatternOptions, matchTimeout);
        ipv4 = new Regex(Ipv4Pattern, PatternOptions, matchTimeout);
        ipv6 = new Regex(Ipv6Pattern, PatternOptions, matchTimeout);
        phone = new Regex(PhonePattern, PatternOptions, matchTimeout);
    }

    public PiiMode Mode { get; }

    /// <summary>The opt-in rules this scrubber applies.</summary>
    public PiiRules Rules { get; }

    /// <summary>Values redacted whole since start because scanning them timed out (process-wide).</summary>
    public static long UnscannedValues => Interlocked.Read(ref unscannedValues);

    /// <summary>True when an attribute or label of this name holds a secret, whose value is redacted whole.</summary>
    public static bool IsSecretName(string name) => PiiKeys.Classify(name) == PiiKeyKind.Secret;

    /// <summary>
    /// False when the raw JSON text of a string value (quotes and escapes included) cannot hold anything
    /// <see cref="Scrub"/> would replace, so the decoder may copy it without making a string of it.
    /// </summary>
    public bool MayNeedScrubbing(ReadOnlySpan<byte> rawJson)
    {
        // The trigger characters are ASCII, so the bytes can be searched as they are; only a value without any needs
        // its text for the secret words (and ':' for IPv6).
        if (rawJson.Length > MaxStackCheck || rawJson.IndexOfAny(JsonTriggers) >= 0)
        {
            return true;
        }

        Span<char> chars = stackalloc char[MaxStackCheck];
        int length = Encoding.UTF8.GetChars(rawJson, chars);
        return MayNeedScan(chars[..length]);
    }

    /// <summary>
    /// Returns <paramref name="value"/> itself when it holds nothing to scrub, so callers can tell "unchanged" by
    /// reference and nothing is allocated; otherwise a new string with each finding replaced by
    /// <c>[REDACTED:kind]</c> or <c>[kind:10 hex]</c> (kinds: email, ssn, card, secret, ip, phone).
    /// </summary>
    /// <remarks>
    /// Fails closed: when a pattern times out (a pathological value, or a thread starved of CPU) the whole value becomes
    /// <see cref="UnscannedMarker"/>. Passing it through would leak what this class exists to remove, and throwing
    /// would make one value stop the batch it is in.
    /// </remarks>
    public string Scrub(string value) => ScrubAs(value, PiiKeyKind.None);

    /// <summary>
    /// <see cref="Scrub"/> for a value stored under a name (an attribute or a label): a secret name
    /// (<see cref="IsSecretName"/>) redacts the whole value, an SSN name makes a bare 9-digit value an SSN, a phone
    /// name (with <see cref="PiiRules.PhoneNumbers"/>) a bare digit run a phone number.
    /// </summary>
    public string ScrubValue(string? name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var kind = name is null ? PiiKeyKind.None : PiiKeys.Classify(name);
        if (kind == PiiKeyKind.Secret)
        {
            return value.Length == 0 ? value : SecretMarker;
        }

        return ScrubAs(value, kind);
    }

    /// <summary>
    /// A JSON number's text stored under <paramref name="name"/>: null when it may stay a number, else the string
    /// that replaces it (<c>{"card": 4111111111111111}</c> becomes <c>{"card": "[REDACTED:card]"}</c>).
    /// </summary>
    public string? ScrubNumber(string? name, string rawNumber)
    {
        string scrubbed = ScrubValue(name, rawNumber);
        return ReferenceEquals(scrubbed, rawNumber) ? null : scrubbed;
    }

    /// <summary>
    /// A metric name or label name: scrubbed like text, with every character of a replacement that such names may
    /// not hold turned into '_' (<c>card_4111111111111111_total</c> becomes <c>card__REDACTED_card__total</c>).
    /// </summary>
    public string ScrubName(string name)
    {
        string scrubbed = Scrub(name);
        if (ReferenceEquals(scrubbed, name))
        {
            return name;
        }

        return string.Create(scrubbed.Length, scrubbed, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_';
            }
        });
    }

    /// <summary>
    /// A trace, span or session id: W3C ids (16 or 32 hex digits) are kept as sent, since scrubbing one would cut a
    /// trace apart and a random 16-hex id passes as a card now and then; any other id is scrubbed like text.
    /// </summary>
    public string ScrubIdentifier(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Length is 16 or 32 && id.AsSpan().IndexOfAnyExcept(HexDigits) < 0 ? id : Scrub(id);
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private string ScrubAs(string value, PiiKeyKind kind)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return ScrubOrThrow(value, kind);
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref unscannedValues);
            return UnscannedMarker;
        }
    }

    private bool MayNeedScan(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Triggers) >= 0 || text.IndexOfAny(SecretWords) >= 0 || ((Rules & PiiRules.IpAddresses) != 0 && text.Contains(':'));

    private string ScrubOrThrow(string value, PiiKeyKind kind)
    {
        if (!MayNeedScan(value))
        {
            return value;
        }

        var view = PiiTextView.Of(value);
        string text = view.Text;
        List<PiiFinding>? findings = null;

        // Secrets first: the password of https://user:pw@host would otherwise pass for an e-mail's local part.
        if (text.AsSpan().IndexOfAny(SecretWords) >= 0 || (text.Contains('@') && text.Contains("://", StringComparison.Ordinal)))
        {
            FindSecrets(text, ref findings);
        }

        // E-mails before numbers: their local part may hold digit runs that would otherwise be taken for a card or
        // SSN and leave the rest of the address behind.
        if (text.Contains('@'))
        {
            PiiEmailFinder.Find(text, ref findings);
        }

        if (HasNumberShape(text))
        {
            foreach (ValueMatch match in number.EnumerateMatches(text))
            {
                string? found = ClassifyNumber(text.AsSpan(match.Index, match.Length));
                if (found is not null)
                {
                    Add(ref findings, new PiiFinding(match.Index, match.Index + match.Length, found));
                }
            }
        }

        // Only the opt-in rules need the loose chain (an IPv4 has 4+ digits joined by dots); the number pattern's shape
        // check above already implies a 9-digit chain, so most values never walk their digits twice.
        int chain = (Rules & (PiiRules.IpAddresses | PiiRules.PhoneNumbers)) != 0 ? LongestDigitChain(text) : 0;

        if (kind == PiiKeyKind.Ssn && IsBareSsn(text.AsSpan().Trim()))
        {
            var (start, end) = Trimmed(text);
            Add(ref findings, new PiiFinding(start, end, SsnKind));
        }

        if ((Rules & PiiRules.IpAddresses) != 0)
        {
            if (text.Contains(':'))
            {
                foreach (ValueMatch match in ipv6.EnumerateMatches(text))
                {
                    var candidate = text.AsSpan(match.Index, match.Length);
                    if (candidate.IndexOfAny(HexDigits) >= 0 && IPAddress.TryParse(candidate, out var address) &&
                        address.AddressFamily == AddressFamily.InterNetworkV6)
                    {
                        Add(ref findings, new PiiFinding(match.Index, match.Index + match.Length, IpKind));
                    }
                }
            }

            // After IPv6, which may end in an IPv4 (::ffff:192.0.2.128).
            if (chain >= 4 && text.Contains('.'))
            {
                FindAll(text, ipv4, IpKind, ref findings);
            }
        }

        if ((Rules & PiiRules.PhoneNumbers) != 0)
        {
            if (chain >= 4)
            {
                FindAll(text, phone, PhoneKind, ref findings);
            }

            if (kind == PiiKeyKind.Phone && IsBarePhone(text.AsSpan().Trim()))
            {
                var (start, end) = Trimmed(text);
                Add(ref findings, new PiiFinding(start, end, PhoneKind));
            }
        }

        return findings is null ? value : Render(value, view, findings);
    }

    private void FindSecrets(string text, ref List<PiiFinding>? findings)
    {
        for (var match = secret.Match(text); match.Success; match = match.NextMatch())
        {
            var group = match.Groups["v"];
            if (group.Success && group.Length > 0)
            {
                Add(ref findings, new PiiFinding(group.Index, group.Index + group.Length, SecretKind));
            }
        }
    }

    private static void FindAll(string text, Regex regex, string kind, ref List<PiiFinding>? findings)
    {
        foreach (ValueMatch match in regex.EnumerateMatches(text))
        {
            Add(ref findings, new PiiFinding(match.Index, match.Index + match.Length, kind));
        }
    }

    /// <summary>Adds a finding unless an earlier rule already claimed part of it (earlier rules win).</summary>
    internal static void Add(ref List<PiiFinding>? findings, PiiFinding finding)
    {
        findings ??= [];
        foreach (var existing in findings)
        {
            if (existing.Overlaps(finding.Start, finding.End))
            {
                return;
            }
        }

        findings.Add(finding);
    }

    private string Render(string value, PiiTextView view, List<PiiFinding> findings)
    {
        findings.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var output = new StringBuilder(value.Length + 32);
        int copied = 0;
        foreach (var finding in findings)
        {
            int start = view.Original(finding.Start);
            int end = view.Original(finding.End);
            output.Append(value, copied, start - copied);
            AppendToken(output, finding.Kind, view.Text.AsSpan(finding.Start, finding.End - finding.Start));
            copied = end;
        }

        output.Append(value, copied, value.Length - copied);
        return output.ToString();
    }

    /// <summary>
    /// The longest run of digits joined by single separators ("4111 1111", "123-45-6789", "2025-10-31" count as one):
    /// no SSN or card has fewer than 9 digits in one such run, so most lines (ids, durations, times) skip the
    /// number pattern. One pass, jumping between digits with a vectorised search.
    /// </summary>
    private static int LongestDigitChain(ReadOnlySpan<char> text)
    {
        int best = 0;
        int run = 0;
        int i = text.IndexOfAnyInRange('0', '9');
        if (i < 0)
        {
            return 0;
        }

        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsAsciiDigit(c))
            {
                run++;
                best = Math.Max(best, run);
                i++;
                continue;
            }

            if (run > 0 && c is '-' or ' ' or '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                i++;
                continue;
            }

            run = 0;
            int next = text[i..].IndexOfAnyInRange('0', '9');
            if (next < 0)
            {
                break;
            }

            i += next;
        }

        return best;
    }

    /// <summary>
    /// Whether <paramref name="text"/> holds a digit shape the number pattern could turn into a finding: 9+ digits in a
    /// row (an SSN in context; cards have 13+), groups of 3+ digits joined by '-', '.' or ' ' adding up to 13+ digits (a
    /// grouped card: <see cref="PassesLuhn"/> wants 13–19), or groups of 3, 2 and 4 digits joined by '-' or ' ' (an SSN).
    /// A superset of what <see cref="ClassifyNumber"/> accepts, so skipping the pattern when it is false finds nothing
    /// less, and true implies the 9-digit chain <see cref="LongestDigitChain"/> was checked for before. It exists because
    /// client IPs, versions and "/users/211240 504" make a 9-digit chain in most access-log lines, and the pattern was
    /// then most of the scrubber's cost.
    /// </summary>
    private static bool HasNumberShape(ReadOnlySpan<char> text)
    {
        int i = text.IndexOfAnyInRange('0', '9');
        int cardDigits = 0;
        int before = -1;
        int last = -1;
        char separator = '\0';
        char previousSeparator = '\0';
        while (i >= 0 && i < text.Length)
        {
            int start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            int group = i - start;
            if (group >= 9)
            {
                return true;
            }

            cardDigits = group >= 3 ? cardDigits + group : 0;
            if (cardDigits >= 13 ||
                (before == 3 && last == 2 && group == 4 && separator == previousSeparator && separator is '-' or ' '))
            {
                return true;
            }

            if (i + 1 < text.Length && text[i] is '-' or ' ' or '.' && char.IsAsciiDigit(text[i + 1]))
            {
                previousSeparator = separator;
                separator = text[i];
                before = last;
                last = group;
                i++;
                continue;
            }

            cardDigits = 0;
            before = -1;
            last = -1;
            separator = '\0';
            previousSeparator = '\0';
            int next = text[i..].IndexOfAnyInRange('0', '9');
            i = next < 0 ? -1 : i + next;
        }

        return false;
    }

    private static string? ClassifyNumber(ReadOnlySpan<char> found)
    {
        // Only the SSN-in-context pattern finds 9 bare digits (cards have 13+).
        if (found.Length == 9 && found.IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return SsnKind;
        }

        // SSNs are the only number shape with a separator at index 3; card groups start with 4+.
        if (found.Length == 11 && found[3] is '-' or ' ')
        {
            return SsnKind;
        }

        return PassesLuhn(found) ? CardKind : null;
    }

    private static bool IsBareSsn(ReadOnlySpan<char> value) =>
        value.Length == 9 && value.IndexOfAnyExceptInRange('0', '9') < 0 &&
        !value.StartsWith("000") && !value.StartsWith("666") && value[0] != '9' && !value[3..5].SequenceEqual("00") && !value[5..].SequenceEqual("0000");

    private static bool IsBarePhone(ReadOnlySpan<char> value)
    {
        int digits = 0;
        foreach (char c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not ('+' or ' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        return digits is >= 7 and <= 15;
    }

    private static (int Start, int End) Trimmed(string text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    /// <summary>
    /// The regex only says "card-shaped"; Luhn is what keeps 16-digit order ids and similar runs
    /// in the log. Also enforces 13–19 digits for grouped forms, which a regex cannot count.
    /// </summary>
    private static bool PassesLuhn(ReadOnlySpan<char> candidate)
    {
        int sum = 0;
        int digits = 0;
        for (int i = candidate.Length - 1; i >= 0; i--)
        {
            int digit = candidate[i] - '0';
            if ((uint)digit > 9)
            {
                continue;
            }

            if ((digits & 1) == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
            digits++;
        }

        return digits is >= 13 and <= 19 && sum % 10 == 0;
    }

    private void AppendToken(StringBuilder output, string kind, ReadOnlySpan<char> found)
    {
        if (Mode == PiiMode.Redact || kind == SecretKind)
        {
            output.Append("[REDACTED:").Append(kind).Append(']');
            return;
        }

        // HMAC input is "kind:normalised": the kind keeps an SSN and a card with the same digits
        // apart, and normalising makes "4111 1111 1111 1111" and "4111111111111111" (or
        // "Bob@X.com", "bob%40x.com" and "bob@x.com") one group.
        string normalised = Normalise(kind, found);
        int length = Encoding.UTF8.GetMaxByteCount(kind.Length + 1 + normalised.Length);
        byte[]? rented = null;
        Span<byte> message = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int written = Encoding.UTF8.GetBytes(kind, message);
            message[written++] = (byte)':';
            written += Encoding.UTF8.GetBytes(normalised, message[written..]);

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(hashKey, message[..written], mac);

            output.Append('[').Append(kind).Append(':');
            foreach (byte b in mac[..TokenHashBytes])
            {
                output.Append(LowerHex[b >> 4]).Append(LowerHex[b & 0xF]);
            }

            output.Append(']');
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Normalise(string kind, ReadOnlySpan<char> found)
    {
        switch (kind)
        {
            case EmailKind:
                return found.ToString().ToLowerInvariant();
            case IpKind:
                return IPAddress.TryParse(found, out var address) ? address.ToString() : found.ToString().ToLowerInvariant();
            default:
                var digits = new StringBuilder(found.Length);
                foreach (char c in found)
                {
                    if (char.IsAsciiDigit(c))
                    {
                        digits.Append(c);
                    }
                }

                return digits.ToString();
        }
    }
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AegisGuard.Pipeline;

/// <summary>
/// Removes e-mail addresses, US social security numbers and payment card numbers from log text
/// before it is stored, either as fixed markers (<see cref="PiiMode.Redact"/>) or as keyed hashes
/// (<see cref="PiiMode.Hash"/>) that keep equal values groupable without keeping the values.
/// </summary>
/// <remarks>
/// Runs on every ingested line, so the common case (nothing to find) must cost a vectorised scan
/// and no allocation. The patterns lean towards leaving look-alikes alone (order ids, trace ids,
/// timestamps, phone numbers): a scrubber that mangles ordinary telemetry gets switched off, and
/// then it scrubs nothing. Immutable and safe to share across threads.
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

    private static long unscannedValues;

    private const int MinimumKeyLength = 16;

    // Hash tokens keep 40 bits of the HMAC: enough that distinct values in one org practically
    // never share a token, short enough to read in a log line, and far too little to brute-force
    // back to a value without the key anyway.
    private const int TokenHashBytes = 5;

    private const string LowerHex = "0123456789abcdef";

    // Whole-match kinds are told apart after the fact (see Classify), so one regex pass finds
    // both SSNs and cards instead of two passes over every line with digits.
    private const string EmailLabel = "email";
    private const string SsnLabel = "ssn";
    private const string CardLabel = "card";

    // Every finding needs an '@' or a digit: one vectorised scan decides whether any regex runs.
    private static readonly SearchValues<char> Triggers = SearchValues.Create("@0123456789");

    // The same test on raw JSON string bytes, where an escape (\u0040) could hide either.
    private static readonly SearchValues<byte> JsonTriggers = SearchValues.Create("@0123456789\\"u8);

    private readonly byte[] hashKey;
    private readonly Regex email;
    private readonly Regex number;

    /// <param name="mode">Whether findings become fixed markers or keyed hashes.</param>
    /// <param name="hashKey">
    /// The org's secret key for <see cref="PiiMode.Hash"/>; copied, so later changes to the array do
    /// not change the tokens. Required in both modes so switching mode is a configuration change
    /// and not a key-provisioning one.
    /// </param>
    /// <exception cref="ArgumentException">The key is null or shorter than 16 bytes.</exception>
    public PiiScrubber(PiiMode mode, byte[] hashKey)
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
        this.hashKey = (byte[])hashKey.Clone();
        email = EmailRegex;
        number = NumberRegex;
    }

    /// <summary>
    /// The same scrubber with interpreted patterns bounded by <paramref name="matchTimeout"/> instead of the generated
    /// ones: lets tests prove that a timeout fails closed.
    /// </summary>
    internal PiiScrubber(PiiMode mode, byte[] hashKey, TimeSpan matchTimeout)
        : this(mode, hashKey)
    {
        email = new Regex(EmailPattern, PatternOptions, matchTimeout);
        number = new Regex(NumberPattern, PatternOptions, matchTimeout);
    }

    public PiiMode Mode { get; }

    /// <summary>Values redacted whole since start because scanning them timed out (process-wide).</summary>
    public static long UnscannedValues => Interlocked.Read(ref unscannedValues);

    /// <summary>
    /// False when the raw JSON text of a string value (quotes and escapes included) cannot hold anything
    /// <see cref="Scrub"/> would replace, so the decoder may copy it without making a string of it.
    /// </summary>
    public static bool MayNeedScrubbing(ReadOnlySpan<byte> rawJson) => rawJson.IndexOfAny(JsonTriggers) >= 0;

    /// <summary>
    /// Returns <paramref name="value"/> itself when it holds no e-mail, SSN or card number, so
    /// callers can tell "unchanged" by reference and nothing is allocated; otherwise a new string
    /// with each finding replaced by <c>[REDACTED:kind]</c> or <c>[kind:10 hex]</c>.
    /// </summary>
    /// <remarks>
    /// Fails closed: when a pattern times out (a pathological value, or a thread starved of CPU) the whole value becomes
    /// <see cref="UnscannedMarker"/>. Passing it through would leak what this class exists to remove, and throwing
    /// would make one value stop the batch it is in.
    /// </remarks>
    public string Scrub(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return ScrubOrThrow(value);
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref unscannedValues);
            return UnscannedMarker;
        }
    }

    private string ScrubOrThrow(string value)
    {
        ReadOnlySpan<char> span = value;
        int first = span.IndexOfAny(Triggers);
        if (first < 0)
        {
            return value;
        }

        // E-mails go first: their local part may hold digit runs that would otherwise be taken
        // for a card or SSN and leave the rest of the address behind. The tokens written for them
        // never contain digits that the number pattern could match (at most 10 in a row).
        string result = span[first..].Contains('@') ? Replace(value, email) : value;
        return result.AsSpan().ContainsAnyInRange('0', '9') ? Replace(result, number) : result;
    }

    private string Replace(string input, Regex regex)
    {
        // Allocated on the first real finding only: a card-shaped run that fails Luhn must not
        // cost a builder.
        StringBuilder? output = null;
        int copied = 0;
        foreach (ValueMatch match in regex.EnumerateMatches(input))
        {
            ReadOnlySpan<char> found = input.AsSpan(match.Index, match.Length);
            string? label = Classify(found);
            if (label is null)
            {
                continue;
            }

            output ??= new StringBuilder(input.Length + 32);
            output.Append(input, copied, match.Index - copied);
            AppendToken(output, label, found);
            copied = match.Index + match.Length;
        }

        if (output is null)
        {
            return input;
        }

        output.Append(input, copied, input.Length - copied);
        return output.ToString();
    }

    private static string? Classify(ReadOnlySpan<char> found)
    {
        if (found.Contains('@'))
        {
            return EmailLabel;
        }

        // SSNs are the only number shape with a separator at index 3; card groups start with 4+.
        if (found.Length == 11 && found[3] is '-' or ' ')
        {
            return SsnLabel;
        }

        return PassesLuhn(found) ? CardLabel : null;
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

    private void AppendToken(StringBuilder output, string label, ReadOnlySpan<char> found)
    {
        if (Mode == PiiMode.Redact)
        {
            output.Append("[REDACTED:").Append(label).Append(']');
            return;
        }

        // HMAC input is "kind:normalised": the kind keeps an SSN and a card with the same digits
        // apart, and normalising makes "4111 1111 1111 1111" and "4111111111111111" (or
        // "Bob@X.com" and "bob@x.com") one group. Every matched char is ASCII, so one byte each.
        int length = label.Length + 1 + found.Length;
        byte[]? rented = null;
        Span<byte> message = length <= 256
            ? stackalloc byte[256]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            int written = Encoding.ASCII.GetBytes(label, message);
            message[written++] = (byte)':';
            bool isEmail = label == EmailLabel;
            foreach (char c in found)
            {
                if (isEmail)
                {
                    message[written++] = (byte)(c is >= 'A' and <= 'Z' ? c | 0x20 : c);
                }
                else if (char.IsAsciiDigit(c))
                {
                    message[written++] = (byte)c;
                }
            }

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(hashKey, message[..written], mac);

            output.Append('[').Append(label).Append(':');
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

    // RFC 5322 "lite": what real addresses in logs look like, not every legal address (quoted
    // local parts and IP-literal domains are rare in telemetry and costly to match). The TLD must
    // be 2+ letters after at least one dot, so user@localhost, @handle and a@b stay. The leading
    // loop is atomic and the engine resumes after it on failure, so a line is scanned once.
    [GeneratedRegex(
        EmailPattern,
        PatternOptions,
        MatchTimeoutMilliseconds)]
    private static partial Regex EmailRegex { get; }

    // SSNs and card candidates in one pass (Classify tells them apart). [0-9], never \d: \d also
    // matches other scripts' digits, which Luhn and the SSN rules know nothing about.
    //
    // The lookarounds stand in for word boundaries: a finding must not touch a letter or digit,
    // nor continue into more digits through its own kind of separator, so "+1-555-12-3456",
    // "9123-45-67890", UUIDs, decimals like 0.4111111111111111 and 20-digit ids stay whole.
    // A different separator does not join runs, so "cards 4111-... 5500-..." finds both.
    //
    // Cards never start with 0 (no payment network issues that prefix), which keeps zero-padded
    // ids such as the all-zero OpenTelemetry span id 0000000000000000 (Luhn-valid!) out.
    // Grouped cards use groups of 3-6 digits after a 4-6 digit head, as printed on cards and in
    // forms, so dates (2025-10-31) and lists of small numbers are not candidates.
    [GeneratedRegex(
        NumberPattern,
        PatternOptions,
        MatchTimeoutMilliseconds)]
    private static partial Regex NumberRegex { get; }

    private const RegexOptions PatternOptions = RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    private const string EmailPattern = """
        [A-Za-z0-9._%+-]+
        @
        (?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+
        [A-Za-z]{2,}
        (?![A-Za-z0-9-])
        """;

    private const string NumberPattern = """
          (?<!\w|[0-9][-.,]) (?!000|666|9) [0-9]{3} - (?!00)[0-9]{2} - (?!0000)[0-9]{4} (?!\w|[-.,][0-9])
        | (?<!\w|[0-9][\x20.,]) (?!000|666|9) [0-9]{3} \x20 (?!00)[0-9]{2} \x20 (?!0000)[0-9]{4} (?!\w|[\x20.,][0-9])
        | (?<!\w|[0-9][-.,]) [1-9][0-9]{12,18} (?!\w|[-.,][0-9])
        | (?<!\w|[0-9][-.,]) [1-9][0-9]{3,5} (?:-[0-9]{3,6}){1,4} (?!\w|[-.,][0-9])
        | (?<!\w|[0-9][\x20.,]) [1-9][0-9]{3,5} (?:\x20[0-9]{3,6}){1,4} (?!\w|[\x20.,][0-9])
        """;
}

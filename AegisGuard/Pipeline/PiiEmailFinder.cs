using System.Globalization;

namespace AegisGuard.Pipeline;

/// <summary>
/// Finds e-mail addresses by walking out from each '@': back over the local part (dot-atoms, or a quoted local part
/// such as <c>"john doe"</c>, also with JSON's <c>\"</c>), forward over the domain (ASCII, Unicode IDN and punycode
/// <c>xn--</c> labels, ideographic full stops). Linear in the text and allocation-free: a regex cannot walk backwards
/// from the '@' without re-scanning every local part from each start.
/// </summary>
internal static class PiiEmailFinder
{
    // Local parts and domains are at most 64 and 253 characters; a little slack keeps odd but real ones whole.
    private const int MaxLocal = 128;
    private const int MaxDomain = 260;
    private const int MaxQuoted = 80;

    public static void Find(string text, ref List<PiiFinding>? findings)
    {
        int at = text.IndexOf('@');
        while (at >= 0)
        {
            int start = LocalStart(text, at);
            int end = start < 0 ? -1 : DomainEnd(text, at + 1);
            int next = at + 1;
            if (end > 0)
            {
                PiiScrubber.Add(ref findings, new PiiFinding(start, end, PiiScrubber.EmailKind));
                next = end;
            }

            at = next < text.Length ? text.IndexOf('@', next) : -1;
        }
    }

    private static int LocalStart(string text, int at)
    {
        int i = at - 1;
        if (i < 0)
        {
            return -1;
        }

        if (text[i] == '"')
        {
            return QuotedStart(text, i);
        }

        int start = at;
        while (i >= 0 && at - i <= MaxLocal && IsLocalChar(text[i]))
        {
            start = i;
            i--;
        }

        return start < at ? start : -1;
    }

    /// <summary>The start of <c>"john doe"</c> (or <c>\"john doe\"</c>) whose closing quote is at <paramref name="close"/>.</summary>
    private static int QuotedStart(string text, int close)
    {
        int i = close - 1;
        if (i >= 0 && text[i] == '\\')
        {
            i--;
        }

        int contentEnd = i;
        while (i >= 0 && close - i <= MaxQuoted && text[i] != '"')
        {
            if (!IsQuotedChar(text[i]))
            {
                return -1;
            }

            i--;
        }

        if (i < 0 || text[i] != '"')
        {
            return -1;
        }

        int contentStart = i + 1;
        if (contentStart < contentEnd + 1 && text[contentEnd] == '\\')
        {
            contentEnd--;
        }

        if (contentEnd < contentStart)
        {
            return -1;
        }

        return i > 0 && text[i - 1] == '\\' ? i - 1 : i;
    }

    private static int DomainEnd(string text, int from)
    {
        int i = from;
        int labels = 0;
        int end = -1;
        while (i < text.Length && i - from < MaxDomain)
        {
            int labelStart = i;
            while (i < text.Length && i - from < MaxDomain && IsDomainChar(text[i]))
            {
                i++;
            }

            if (i == labelStart)
            {
                break;
            }

            labels++;
            if (labels >= 2 && IsTopLevelDomain(text.AsSpan(labelStart, i - labelStart)))
            {
                end = i;
            }

            if (i + 1 < text.Length && IsDot(text[i]) && IsDomainChar(text[i + 1]))
            {
                i++;
                continue;
            }

            break;
        }

        return end;
    }

    private static bool IsTopLevelDomain(ReadOnlySpan<char> label)
    {
        if (label.Length < 2)
        {
            return false;
        }

        if (label.Length > 4 && label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (char c in label)
        {
            if (!(char.IsAsciiLetter(c) || (c > 0x7F && IsUnicodeLetter(c))))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLocalChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-' || (c > 0x7F && IsUnicodeLetter(c));

    private static bool IsQuotedChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '_' or '+' or '-' or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '/' or '=' or '?' or '^' or '{' or '|' or '}' or '~' ||
        (c > 0x7F && IsUnicodeLetter(c));

    private static bool IsDomainChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-' || (c > 0x7F && IsUnicodeLetter(c));

    // The ideographic and fullwidth full stops are label separators in IDNA (UTS #46).
    private static bool IsDot(char c) => c is '.' or '\u3002' or '\uFF0E' or '\uFF61';

    private static bool IsUnicodeLetter(char c) => char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}

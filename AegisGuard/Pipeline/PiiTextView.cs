using System.Globalization;

namespace AegisGuard.Pipeline;

/// <summary>
/// The text the scrubber scans: the value itself, or, when it holds escapes that could hide personal data from the
/// patterns (JSON <c>\u0040</c>, URL <c>%40</c> and double-encoded <c>%2540</c>, HTML <c>&amp;#64;</c>), a decoded copy
/// with a map back to the value. Findings in the copy are replaced in the value, so text around them keeps its
/// escapes exactly as sent and a value without findings comes back untouched.
/// </summary>
internal readonly struct PiiTextView
{
    private readonly int[]? map;

    private PiiTextView(string text, int[]? map)
    {
        Text = text;
        this.map = map;
    }

    /// <summary>What the patterns scan.</summary>
    public string Text { get; }

    /// <summary>The index in the original value where the scanned char at <paramref name="index"/> starts.</summary>
    public int Original(int index) => map is null ? index : map[index];

    public static PiiTextView Of(string value)
    {
        // Most '%' and '&' are not escapes ("85% full", "a & b"): find a real one before allocating anything.
        int first = FirstEscape(value);
        if (first < 0)
        {
            return new PiiTextView(value, null);
        }

        var text = new System.Text.StringBuilder(value.Length);
        var map = new List<int>(value.Length + 1);
        text.Append(value, 0, first);
        for (int k = 0; k < first; k++)
        {
            map.Add(k);
        }

        bool decoded = false;
        int i = first;
        while (i < value.Length)
        {
            if (TryDecode(value, i, out char c, out int length))
            {
                text.Append(c);
                map.Add(i);
                i += length;
                decoded = true;
            }
            else
            {
                text.Append(value[i]);
                map.Add(i);
                i++;
            }
        }

        if (!decoded)
        {
            return new PiiTextView(value, null);
        }

        map.Add(value.Length);
        return new PiiTextView(text.ToString(), [.. map]);
    }

    private static int FirstEscape(string value)
    {
        int i = value.AsSpan().IndexOfAny('\\', '%', '&');
        while (i >= 0)
        {
            if (TryDecode(value, i, out _, out _))
            {
                return i;
            }

            int next = value.AsSpan(i + 1).IndexOfAny('\\', '%', '&');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return -1;
    }

    private static bool TryDecode(string s, int i, out char c, out int length)
    {
        c = default;
        length = 0;
        switch (s[i])
        {
            case '\\':
            {
                // Any run of backslashes before the u: JSON inside JSON doubles them (\\u0040), and one level of
                // decoding (| json) must not be able to turn the stored text into an address either.
                int j = i;
                while (j < s.Length && s[j] == '\\')
                {
                    j++;
                }

                if (j + 5 <= s.Length && s[j] == 'u' && TryHex(s.AsSpan(j + 1, 4), out int unit) && IsDecodable(unit))
                {
                    c = (char)unit;
                    length = j + 5 - i;
                    return true;
                }

                return false;
            }

            case '%':
            {
                // %2540 is %40 encoded once more; peel any number of "25" layers.
                int j = i + 1;
                while (j + 4 <= s.Length && s[j] == '2' && s[j + 1] == '5' && TryHex(s.AsSpan(j + 2, 2), out _))
                {
                    j += 2;
                }

                if (j + 2 <= s.Length && TryHex(s.AsSpan(j, 2), out int b) && b is >= 0x20 and <= 0x7E)
                {
                    c = (char)b;
                    length = j + 2 - i;
                    return true;
                }

                return false;
            }

            case '&':
            {
                if (s.AsSpan(i).StartsWith("&commat;", StringComparison.OrdinalIgnoreCase))
                {
                    c = '@';
                    length = 8;
                    return true;
                }

                if (i + 3 < s.Length && s[i + 1] == '#')
                {
                    bool isHex = s[i + 2] is 'x' or 'X';
                    int start = i + (isHex ? 3 : 2);
                    int end = s.IndexOf(';', start);
                    if (end > start && end - start <= 6 &&
                        int.TryParse(s.AsSpan(start, end - start), isHex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out int code) &&
                        code is >= 0x20 and <= 0x7E)
                    {
                        c = (char)code;
                        length = end + 1 - i;
                        return true;
                    }
                }

                return false;
            }

            default:
                return false;
        }
    }

    // Control characters stay escaped (they separate anyway); lone surrogates cannot be decoded to one char.
    private static bool IsDecodable(int unit) => unit is >= 0x20 and < 0xD800 or >= 0xE000 and <= 0xFFFD;

    private static bool TryHex(ReadOnlySpan<char> digits, out int value) =>
        int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// Parses event times: RFC 3339 strings (with Z or an offset) or unix epoch numbers whose unit is told by their
/// magnitude — seconds (may have a fraction), milliseconds, microseconds or nanoseconds.
/// </summary>
public static partial class EventTimestamp
{
    private const double MaxSeconds = 1e11;        // year 5138
    private const double MaxMillis = 1e14;
    private const double MaxMicros = 1e17;

    /// <summary>Parses <paramref name="value"/>; on failure <paramref name="reason"/> says why.</summary>
    public static bool TryParse(JsonElement value, out DateTime utc, out string reason)
    {
        utc = default;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value); // with its quotes
                if (raw.Length > 2 && TryParseCommonRfc3339(raw[1..^1], out utc))
                {
                    reason = string.Empty;
                    return true;
                }

                string text = value.GetString()!;
                var match = Rfc3339().Match(text);
                if (match.Success)
                {
                    // .NET parses at most 7 fractional digits (100 ns ticks); nanosecond precision is cut, not rejected.
                    var fraction = match.Groups[1];
                    string normalised = fraction.Length > 8 ? text.Remove(fraction.Index + 8, fraction.Length - 8) : text;
                    if (DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
                    {
                        utc = parsed.UtcDateTime;
                        reason = string.Empty;
                        return true;
                    }
                }

                if (text.Length > 0 && text.Length <= 20 && text.All(char.IsAsciiDigit) && double.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out double digits))
                {
                    return TryFromEpoch(digits, out utc, out reason);
                }

                reason = "must be an RFC 3339 time such as 2025-10-31T10:00:00Z (with Z or an offset) or a unix epoch number";
                return false;
            case JsonValueKind.Number:
                return TryFromEpoch(value.GetDouble(), out utc, out reason);
            default:
                reason = "must be an RFC 3339 string or a unix epoch number";
                return false;
        }
    }

    /// <summary>Interprets an epoch number by magnitude: &lt;1e11 seconds, &lt;1e14 ms, &lt;1e17 µs, else ns.</summary>
    public static bool TryFromEpoch(double number, out DateTime utc, out string reason)
    {
        utc = default;
        if (!double.IsFinite(number) || number < 0)
        {
            reason = "must be a positive unix epoch number";
            return false;
        }

        double ticks = number switch
        {
            < MaxSeconds => number * TimeSpan.TicksPerSecond,
            < MaxMillis => number * TimeSpan.TicksPerMillisecond,
            < MaxMicros => number * TimeSpan.TicksPerMicrosecond,
            _ => number / 100,
        };
        if (ticks > (DateTime.MaxValue - DateTime.UnixEpoch).Ticks)
        {
            reason = "is too far in the future";
            return false;
        }

        utc = DateTime.UnixEpoch.AddTicks((long)ticks);
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// The fast path for the form nearly every sender uses, read from the UTF-8 bytes without making a string:
    /// <c>yyyy-MM-ddTHH:mm:ss[.fraction](Z|±hh:mm)</c>. Anything else — or anything it is unsure of (escapes,
    /// out-of-range parts) — returns false and goes through the general parser, which decides and explains.
    /// </summary>
    internal static bool TryParseCommonRfc3339(ReadOnlySpan<byte> s, out DateTime utc)
    {
        utc = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || s[13] != ':' || s[16] != ':' ||
            !Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day) ||
            !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second))
        {
            return false;
        }

        int at = 19;
        long fractionTicks = 0;
        if (s[at] == '.')
        {
            int start = ++at;
            while (at < s.Length && char.IsAsciiDigit((char)s[at]))
            {
                if (at - start < 7)
                {
                    fractionTicks = (fractionTicks * 10) + (s[at] - '0');
                }

                at++;
            }

            int digits = at - start;
            if (digits is 0 or > 9)
            {
                return false;
            }

            for (int i = digits; i < 7; i++)
            {
                fractionTicks *= 10;
            }
        }

        TimeSpan offset;
        if (at == s.Length - 1 && s[at] is (byte)'Z' or (byte)'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (at == s.Length - 6 && s[at] is (byte)'+' or (byte)'-' && s[at + 3] == ':' &&
                 Digits(s, at + 1, 2, out int offsetHours) && Digits(s, at + 4, 2, out int offsetMinutes) &&
                 offsetMinutes < 60 && (offsetHours * 60) + offsetMinutes <= 14 * 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (s[at] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        utc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> s, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            int digit = s[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Rfc3339();
}

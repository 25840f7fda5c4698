using System.Globalization;
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

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Rfc3339();
}

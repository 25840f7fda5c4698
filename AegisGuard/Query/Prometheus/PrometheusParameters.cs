using System.Globalization;
using AegisGuard.Query.PromQl.Syntax;

namespace AegisGuard.Query.Prometheus;

/// <summary>Prometheus' parameter parsing: times as unix seconds (with fractions) or RFC 3339, durations as seconds or 1h30m.</summary>
public static class PrometheusParameters
{
    /// <summary>Prometheus' "minimum" time (its API's default start for labels and series).</summary>
    public const long MinTimeMs = -62135596800000 + 1;

    /// <summary>Prometheus' "maximum" time.</summary>
    public const long MaxTimeMs = 253402300799000;

    /// <summary>Parses a time; false (with the Prometheus error) when it is neither a number nor RFC 3339.</summary>
    public static bool TryParseTime(string text, out long ms, out string error)
    {
        ms = 0;
        error = string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && !double.IsNaN(seconds) && !double.IsInfinity(seconds))
        {
            // Prometheus rounds the fraction to milliseconds.
            double whole = Math.Truncate(seconds);
            double fraction = Math.Round((seconds - whole) * 1000) / 1000;
            if (Math.Abs(whole) > 9.2e12)
            {
                error = $"cannot parse \"{text}\" to a valid timestamp";
                return false;
            }

            ms = ((long)whole * 1000) + (long)Math.Round(fraction * 1000);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            && text.Contains('T', StringComparison.Ordinal))
        {
            ms = t.ToUnixTimeMilliseconds();
            return true;
        }

        error = $"cannot parse \"{text}\" to a valid timestamp";
        return false;
    }

    /// <summary>Parses a step or timeout: seconds (with fractions) or a Prometheus duration.</summary>
    public static bool TryParseDuration(string text, out long ms, out string error)
    {
        error = string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            if (double.IsNaN(seconds) || seconds * 1e9 > long.MaxValue || seconds * 1e9 < long.MinValue)
            {
                ms = 0;
                error = $"cannot parse \"{text}\" to a valid duration. It overflows int64";
                return false;
            }

            ms = (long)Math.Round(seconds * 1000);
            return true;
        }

        if (PromQlLexer.TryParseDuration(text, out ms))
        {
            return true;
        }

        error = $"cannot parse \"{text}\" to a valid duration";
        return false;
    }
}

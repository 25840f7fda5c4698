using System.Globalization;
using System.Text;

namespace AegisGuard.Query.PromQl;

/// <summary>Numbers and times written exactly as Prometheus' API writes them (Go's FormatFloat 'f', -1; "+Inf"; ms as seconds).</summary>
public static class PromQlFloat
{
    /// <summary>Shortest round-trip digits without an exponent, like Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        if (e < 0)
        {
            return r;
        }

        bool negative = r[0] == '-';
        string mantissa = r[(negative ? 1 : 0)..e];
        int exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        int pointAt = (dot < 0 ? mantissa.Length : dot) + exponent;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (pointAt <= 0)
        {
            sb.Append("0.").Append('0', -pointAt).Append(digits);
        }
        else if (pointAt >= digits.Length)
        {
            sb.Append(digits).Append('0', pointAt - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, pointAt).Append('.').Append(digits, pointAt, digits.Length - pointAt);
        }

        return sb.ToString();
    }

    /// <summary>Unix ms as Prometheus writes a timestamp: seconds, and three fraction digits when not whole.</summary>
    public static string FormatTimestamp(long ms)
    {
        var sb = new StringBuilder();
        if (ms < 0)
        {
            sb.Append('-');
            ms = -ms;
        }

        sb.Append((ms / 1000).ToString(CultureInfo.InvariantCulture));
        long fraction = ms % 1000;
        if (fraction != 0)
        {
            sb.Append('.').Append(fraction.ToString("000", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}

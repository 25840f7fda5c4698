using System.Globalization;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// Formats a float the way Prometheus' exposition format does (Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c>), so a
/// histogram bound becomes the same <c>le</c> value a scraped Prometheus client would have exposed (1e+06, 0.005, +Inf).
/// </summary>
internal static class PrometheusFloat
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        string sign = value < 0 ? "-" : string.Empty;
        string text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int exponent = 0;
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        int dot = text.IndexOf('.', StringComparison.Ordinal);
        string integral = dot < 0 ? text : text[..dot];
        string all = dot < 0 ? text : integral + text[(dot + 1)..];
        string digits = all.TrimStart('0');
        int decimalPoint = integral.Length + exponent - (all.Length - digits.Length);
        digits = digits.TrimEnd('0');

        // Go switches to %e when the exponent is below -4 or at least 6 for the shortest representation.
        int power = decimalPoint - 1;
        if (power < -4 || power >= 6)
        {
            string mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return sign + mantissa + "e" + (power < 0 ? "-" : "+") + Math.Abs(power).ToString("00", CultureInfo.InvariantCulture);
        }

        if (decimalPoint <= 0)
        {
            return sign + "0." + new string('0', -decimalPoint) + digits;
        }

        if (decimalPoint >= digits.Length)
        {
            return sign + digits + new string('0', decimalPoint - digits.Length);
        }

        return sign + digits[..decimalPoint] + "." + digits[decimalPoint..];
    }
}

using System.Globalization;

namespace AegisGuard.Pages.Components;

/// <summary>How numbers, sizes and times read on every page, so they read the same everywhere.</summary>
public static class DisplayFormat
{
    private static readonly string[] ByteUnits = ["B", "KB", "MB", "GB", "TB", "PB"];

    /// <summary>Exact below 100,000 (<c>12,345</c>), compact above (<c>1.2 M</c>).</summary>
    public static string Count(long value)
    {
        if (Math.Abs(value) < 100_000)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }

        return Math.Abs(value) < 1_000_000_000
            ? (value / 1e6).ToString(value < 10_000_000 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " M"
            : (value / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " B";
    }

    /// <summary>Binary units with three significant digits: <c>0 B</c>, <c>812 B</c>, <c>12.4 KB</c>, <c>3.10 GB</c>.</summary>
    public static string Bytes(double value)
    {
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        string format = unit == 0 ? "0" : Math.Abs(value) < 10 ? "0.00" : Math.Abs(value) < 100 ? "0.0" : "0";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + ByteUnits[unit];
    }

    /// <summary><c>just now</c>, <c>42 s ago</c>, <c>5 min ago</c>, <c>3 h ago</c>, <c>2 d ago</c>; future times as <c>in 5 min</c>.</summary>
    public static string Ago(DateTime time, DateTimeOffset now)
    {
        var delta = now.UtcDateTime - DateTime.SpecifyKind(time, DateTimeKind.Utc);
        bool future = delta < TimeSpan.Zero;
        var span = future ? -delta : delta;
        string amount = span.TotalSeconds < 5 ? "" :
            span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds} s" :
            span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min" :
            span.TotalDays < 1 ? $"{(int)span.TotalHours} h" :
            $"{(int)span.TotalDays} d";
        return amount.Length == 0 ? "just now" : future ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary>ISO 8601 UTC with seconds, for titles and <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

namespace AegisGuard.Pages.Components;

/// <summary>A quick time range: the last <see cref="Duration"/>, named <see cref="Key"/> in URLs (<c>?range=1h</c>).</summary>
public sealed record TimeRangePreset(string Key, string Label, TimeSpan Duration)
{
    /// <summary>The presets every time-range picker offers, shortest first.</summary>
    public static readonly IReadOnlyList<TimeRangePreset> All =
    [
        new("15m", "Last 15 minutes", TimeSpan.FromMinutes(15)),
        new("1h", "Last 1 hour", TimeSpan.FromHours(1)),
        new("6h", "Last 6 hours", TimeSpan.FromHours(6)),
        new("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        new("7d", "Last 7 days", TimeSpan.FromDays(7)),
    ];
}

namespace AegisGuard.Ingest.Schema;

/// <summary>Maps the level names loggers use (Serilog, log4j, syslog, .NET, Python, Go…) onto six levels.</summary>
public static class LogLevels
{
    public const string Default = "info";

    public static readonly IReadOnlyList<string> Normalised = ["trace", "debug", "info", "warn", "error", "fatal"];

    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trace"] = "trace", ["verbose"] = "trace", ["finest"] = "trace", ["finer"] = "trace",
        ["debug"] = "debug", ["dbug"] = "debug", ["fine"] = "debug",
        ["info"] = "info", ["information"] = "info", ["informational"] = "info", ["notice"] = "info", ["inf"] = "info",
        ["warn"] = "warn", ["warning"] = "warn", ["wrn"] = "warn",
        ["error"] = "error", ["err"] = "error", ["eror"] = "error", ["severe"] = "error",
        ["fatal"] = "fatal", ["critical"] = "fatal", ["crit"] = "fatal", ["alert"] = "fatal", ["emerg"] = "fatal",
        ["emergency"] = "fatal", ["panic"] = "fatal", ["ftl"] = "fatal",
    };

    /// <summary>The normalised level for <paramref name="level"/>, or null when it is not a known name.</summary>
    public static string? Normalise(string level) => Synonyms.GetValueOrDefault(level.Trim());
}

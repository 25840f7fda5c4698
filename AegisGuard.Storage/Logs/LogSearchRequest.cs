namespace AegisGuard.Storage.Logs;

/// <summary>A page of log lines to read: which lines, how many, in which order, and after which position.</summary>
public sealed record LogSearchRequest
{
    /// <summary>Which lines.</summary>
    public required LogFilter Filter { get; init; }

    /// <summary>Maximum lines in the page.</summary>
    public required int Limit { get; init; }

    /// <summary>Newest first (default) or oldest first.</summary>
    public LogSearchDirection Direction { get; init; } = LogSearchDirection.Backward;

    /// <summary>Continue strictly after this position (the last line of the previous page), or start at the edge of the range.</summary>
    public LogPosition? After { get; init; }
}

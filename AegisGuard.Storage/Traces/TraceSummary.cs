namespace AegisGuard.Storage.Traces;

/// <summary>What search shows of a trace, kept per trace without assembling it.</summary>
public sealed record TraceSummary
{
    /// <summary>Trace id (lower case).</summary>
    public required string TraceId { get; init; }

    /// <summary>Service of the root span (of the earliest span when no root was seen).</summary>
    public required string RootService { get; init; }

    /// <summary>Operation of the root span (of the earliest span when no root was seen).</summary>
    public required string RootOperation { get; init; }

    /// <summary>Earliest span start (UTC).</summary>
    public required DateTime Start { get; init; }

    /// <summary>Latest span end (UTC).</summary>
    public required DateTime End { get; init; }

    /// <summary>End − start in microseconds.</summary>
    public required long DurationMicros { get; init; }

    /// <summary>Distinct span ids.</summary>
    public required int SpanCount { get; init; }

    /// <summary>Services with a span in the trace, sorted.</summary>
    public required IReadOnlyList<string> Services { get; init; }

    /// <summary>Spans of status error.</summary>
    public required int ErrorCount { get; init; }

    /// <summary>True when no span without a parent was seen.</summary>
    public required bool RootMissing { get; init; }
}

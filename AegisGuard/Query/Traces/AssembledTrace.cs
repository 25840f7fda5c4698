namespace AegisGuard.Query.Traces;

/// <summary>The answer of GET /api/traces/{traceId}: the trace's spans resolved into a tree, in display order.</summary>
public sealed record AssembledTrace
{
    public required string TraceId { get; init; }

    public required DateTime Start { get; init; }

    public required DateTime End { get; init; }

    public required double DurationMs { get; init; }

    /// <summary>Distinct spans (copies dropped).</summary>
    public required int SpanCount { get; init; }

    public required int ErrorCount { get; init; }

    /// <summary>Per service, sorted by name.</summary>
    public required IReadOnlyList<TraceServiceCount> Services { get; init; }

    /// <summary>Depth-first: true roots then orphans by start, children by start.</summary>
    public required IReadOnlyList<AssembledSpan> Spans { get; init; }

    /// <summary>True when the trace holds more spans than one answer carries.</summary>
    public required bool Truncated { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }
}

using System.Text.Json;

namespace AegisGuard.Query.Traces;

/// <summary>One span of the trace view, in display order (the contract of GET /api/traces/{traceId}).</summary>
public sealed record AssembledSpan
{
    public required string SpanId { get; init; }

    public required string? ParentSpanId { get; init; }

    public required string Service { get; init; }

    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required DateTime Start { get; init; }

    public required DateTime End { get; init; }

    public required double DurationMs { get; init; }

    /// <summary>Start − trace start, in ms.</summary>
    public required double OffsetMs { get; init; }

    /// <summary>0 for roots and orphans.</summary>
    public required int Depth { get; init; }

    public required int ChildCount { get; init; }

    /// <summary>ok, error or unset.</summary>
    public required string Status { get; init; }

    public required string? StatusMessage { get; init; }

    public required JsonElement Attributes { get; init; }

    /// <summary>Span events in the order sent; empty when none (and for spans stored before events were kept).</summary>
    public required IReadOnlyList<SpanEventView> Events { get; init; }

    /// <summary>Span links in the order sent; empty when none.</summary>
    public required IReadOnlyList<SpanLinkView> Links { get; init; }

    /// <summary>Resource attributes (service.version, host.name…); an empty object when none.</summary>
    public required JsonElement Resource { get; init; }

    /// <summary>The parent id is set but no span of the trace has it.</summary>
    public required bool Orphan { get; init; }

    /// <summary>Clock skew: starts before or ends after its parent.</summary>
    public required bool OutsideParent { get; init; }

    /// <summary>Extra copies of the same span id that were dropped.</summary>
    public required int DuplicateCount { get; init; }

    /// <summary>On the critical path of the first root: the chain of work the trace's end waited for.</summary>
    public required bool CriticalPath { get; init; }
}

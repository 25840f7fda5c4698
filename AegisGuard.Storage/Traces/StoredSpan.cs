namespace AegisGuard.Storage.Traces;

/// <summary>One span as a store returns it.</summary>
public sealed record StoredSpan
{
    /// <summary>Trace id as sent.</summary>
    public required string TraceId { get; init; }

    /// <summary>Span id as sent.</summary>
    public required string SpanId { get; init; }

    /// <summary>Parent span id, null for a root.</summary>
    public string? ParentSpanId { get; init; }

    /// <summary>Service.</summary>
    public required string Service { get; init; }

    /// <summary>Operation name.</summary>
    public required string Name { get; init; }

    /// <summary>internal, server, client, producer or consumer.</summary>
    public required string Kind { get; init; }

    /// <summary>Start (UTC).</summary>
    public required DateTime Start { get; init; }

    /// <summary>End (UTC).</summary>
    public required DateTime End { get; init; }

    /// <summary>Duration in microseconds.</summary>
    public required long DurationMicros { get; init; }

    /// <summary>ok, error or unset.</summary>
    public required string Status { get; init; }

    /// <summary>Status message, if any.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Attributes as JSON object text.</summary>
    public required string AttributesJson { get; init; }

    /// <summary>Span events as JSON array text (<c>[{"time","name","attributes"}]</c>), null when none (or stored before spans had them).</summary>
    public string? EventsJson { get; init; }

    /// <summary>Span links as JSON array text (<c>[{"trace_id","span_id","attributes"}]</c>), null when none.</summary>
    public string? LinksJson { get; init; }

    /// <summary>Resource attributes as JSON object text, null when none.</summary>
    public string? ResourceJson { get; init; }

    /// <summary>Ingest log address of the batch the span came in (orders copies of one span id).</summary>
    public required long SourceAddress { get; init; }

    /// <summary>Index of the span in its batch.</summary>
    public required int SourceIndex { get; init; }
}

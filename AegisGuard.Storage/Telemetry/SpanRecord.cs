namespace AegisGuard.Storage.Telemetry;

/// <summary>One normalised trace span as it is stored in Parquet.</summary>
public sealed class SpanRecord : TelemetryRow
{
    /// <summary>Trace id (hex).</summary>
    public required string TraceId { get; init; }

    /// <summary>Span id (hex).</summary>
    public required string SpanId { get; init; }

    /// <summary>Parent span id, null for a root span.</summary>
    public string? ParentSpanId { get; init; }

    /// <summary>Service that emitted the span.</summary>
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

    /// <summary>Status message (scrubbed), if any.</summary>
    public string? StatusMessage { get; set; }

    /// <summary>Attributes as a JSON object text (scrubbed).</summary>
    public required string AttributesJson { get; set; }

    /// <summary>
    /// Span events as a JSON array text (<c>[{"time","name","attributes"}]</c>, times RFC 3339 UTC with 7 fraction
    /// digits, names and attributes scrubbed), or null when the span has none.
    /// </summary>
    public string? EventsJson { get; init; }

    /// <summary>Span links as a JSON array text (<c>[{"trace_id","span_id","attributes"}]</c>, scrubbed), or null when none.</summary>
    public string? LinksJson { get; init; }

    /// <summary>Resource attributes as a JSON object text (scrubbed), or null when none were sent.</summary>
    public string? ResourceJson { get; init; }
}

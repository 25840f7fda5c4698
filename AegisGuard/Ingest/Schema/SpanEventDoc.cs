namespace AegisGuard.Ingest.Schema;

// For the OpenAPI document only, like WireSchemaDocs: SpanDetailReader reads the raw JSON.

/// <summary>One span event. Fields not listed are kept as the event's attributes.</summary>
public sealed record SpanEventDoc
{
    /// <summary>Event name (required, 1 to 1024 characters; scrubbed), e.g. exception.</summary>
    public required string Name { get; init; }

    /// <summary>When it happened (required): the formats and accepted window of the span's start.</summary>
    public required string Time { get; init; }

    /// <summary>Free-form JSON object, scrubbed like span attributes.</summary>
    public Dictionary<string, object>? Attributes { get; init; }
}

using System.Text.Json.Serialization;

namespace AegisGuard.Ingest.Schema;

// For the OpenAPI document only, like WireSchemaDocs: SpanDetailReader reads the raw JSON.

/// <summary>A link to a span of this or another trace. Fields not listed are kept as the link's attributes.</summary>
public sealed record SpanLinkDoc
{
    /// <summary>Linked trace id (required; letters, digits, - and _; 16 hex digits are stored widened to 32).</summary>
    [JsonPropertyName("trace_id")]
    public required string TraceId { get; init; }

    /// <summary>Linked span id (required).</summary>
    [JsonPropertyName("span_id")]
    public required string SpanId { get; init; }

    /// <summary>Free-form JSON object, scrubbed like span attributes.</summary>
    public Dictionary<string, object>? Attributes { get; init; }
}

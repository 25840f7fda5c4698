using System.Text.Json;

namespace AegisGuard.Query.Traces;

/// <summary>A span event: when it happened, its name and its attributes (scrubbed at ingestion).</summary>
public sealed record SpanEventView(DateTime Time, string Name, JsonElement Attributes);

using System.Text.Json;

namespace AegisGuard.Query.Traces;

/// <summary>A span event (contract shape; not stored yet).</summary>
public sealed record SpanEventView(DateTime Time, string Name, JsonElement Attributes);

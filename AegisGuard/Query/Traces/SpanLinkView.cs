using System.Text.Json;

namespace AegisGuard.Query.Traces;

/// <summary>A span link (contract shape; not stored yet).</summary>
public sealed record SpanLinkView(string TraceId, string SpanId, JsonElement Attributes);

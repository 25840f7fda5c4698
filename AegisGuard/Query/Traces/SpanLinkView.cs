using System.Text.Json;

namespace AegisGuard.Query.Traces;

/// <summary>A span link: the linked span, the link's attributes, and whether the caller's org has spans of that trace.</summary>
/// <param name="TraceId">The linked trace (32 hex digits when it was sent as 16, see <c>TraceIds</c>).</param>
/// <param name="SpanId">The linked span.</param>
/// <param name="Attributes">The link's attributes (scrubbed).</param>
/// <param name="TraceStored">True when a summary of the linked trace exists in the caller's org: the panel links it then.</param>
public sealed record SpanLinkView(string TraceId, string SpanId, JsonElement Attributes, bool TraceStored);

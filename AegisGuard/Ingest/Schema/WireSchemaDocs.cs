using System.Text.Json.Serialization;

namespace AegisGuard.Ingest.Schema;

// These records exist for the OpenAPI document only: the endpoints read the raw body (the HMAC covers its exact
// bytes) and decode it with the BatchDecoder classes, whose rules these comments restate.

/// <summary>A batch of log lines (at most 1000).</summary>
public sealed record LogsBatch(IReadOnlyList<LogEventDoc> Logs);

/// <summary>One log line. Only <c>message</c> is required; fields not listed here are kept as attributes.</summary>
/// <param name="Timestamp">RFC 3339 (<c>2025-10-31T10:00:00Z</c>, with Z or an offset) or unix epoch in s, ms, µs or ns (told apart by magnitude). Default: the time the batch was received. Accepted from 10 years in the past to 10 minutes in the future; outside that the batch is rejected with 422.</param>
/// <param name="Service">Emitting service (default <c>unknown</c>).</param>
/// <param name="Level">trace, debug, info, warn, error, fatal or a common synonym (warning, critical, information, …); default info.</param>
/// <param name="Message">The log message (up to 256 KiB). E-mails, SSNs and card numbers are scrubbed before storage.</param>
/// <param name="Host">Host name.</param>
/// <param name="TraceId">Trace id for correlation (letters, digits, - and _; up to 64).</param>
/// <param name="SpanId">Span id for correlation.</param>
/// <param name="Attributes">Free-form JSON object (up to 256 keys; strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels); string values are scrubbed.</param>
public sealed record LogEventDoc(string? Timestamp, string? Service, string? Level, string Message, string? Host, [property: JsonPropertyName("trace_id")] string? TraceId, [property: JsonPropertyName("span_id")] string? SpanId, Dictionary<string, object>? Attributes);

/// <summary>A batch of metric samples (at most 5000).</summary>
public sealed record MetricsBatch(IReadOnlyList<MetricSampleDoc> Metrics);

/// <summary>One sample. Gauges and counters carry <c>value</c>; histograms carry <c>buckets</c>, <c>sum</c> and <c>count</c>.</summary>
/// <param name="Name">Prometheus-style name; dots become underscores.</param>
/// <param name="Type">gauge, counter (cumulative, ≥ 0) or histogram.</param>
/// <param name="Value">The value of a gauge or counter.</param>
/// <param name="Timestamp">As for logs; default: received time.</param>
/// <param name="Labels">Label names ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __) to string values (numbers and booleans are turned into text).</param>
/// <param name="Buckets">Cumulative buckets, ascending <c>le</c>; a <c>+Inf</c> bucket is added when missing.</param>
/// <param name="Sum">Sum of observations (histograms).</param>
/// <param name="Count">Number of observations (histograms); must equal the +Inf bucket.</param>
public sealed record MetricSampleDoc(string Name, string Type, double? Value, string? Timestamp, Dictionary<string, string>? Labels, IReadOnlyList<HistogramBucketDoc>? Buckets, double? Sum, long? Count);

/// <summary>One cumulative histogram bucket.</summary>
/// <param name="Le">Upper bound (a number, or the string "+Inf").</param>
/// <param name="Count">Observations ≤ le.</param>
public sealed record HistogramBucketDoc(double Le, long Count);

/// <summary>A batch of spans (at most 500).</summary>
public sealed record TracesBatch(IReadOnlyList<SpanDoc> Spans);

/// <summary>One span. Give <c>end</c> or <c>duration_ms</c>. Fields not listed are kept as attributes.</summary>
/// <param name="TraceId">Trace id (required).</param>
/// <param name="SpanId">Span id (required).</param>
/// <param name="ParentSpanId">Parent span id; absent or empty for a root span.</param>
/// <param name="Service">Service (default unknown).</param>
/// <param name="Name">Operation name (required).</param>
/// <param name="Kind">internal (default), server, client, producer or consumer.</param>
/// <param name="Start">Start time (required), as for log timestamps.</param>
/// <param name="End">End time.</param>
/// <param name="DurationMs">Duration in milliseconds (0 to 315576000000, i.e. 10 years), when end is not given.</param>
/// <param name="Status">ok, error or unset (default).</param>
/// <param name="StatusMessage">Status message (scrubbed).</param>
/// <param name="Attributes">Free-form JSON object (strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels).</param>
public sealed record SpanDoc([property: JsonPropertyName("trace_id")] string TraceId, [property: JsonPropertyName("span_id")] string SpanId, [property: JsonPropertyName("parent_span_id")] string? ParentSpanId, string? Service, string Name, string? Kind, string Start, string? End, [property: JsonPropertyName("duration_ms")] double? DurationMs, string? Status, [property: JsonPropertyName("status_message")] string? StatusMessage, Dictionary<string, object>? Attributes);

/// <summary>A batch of RUM events (at most 1000).</summary>
public sealed record RumBatch(IReadOnlyList<RumEventDoc> Events);

/// <summary>One browser event. Required by type: vital → vital_name + vital_value; error → error_message; action → action_name.</summary>
/// <param name="Type">view, vital, error, action or resource.</param>
/// <param name="SessionId">Browser session id (required).</param>
/// <param name="Timestamp">As for logs.</param>
/// <param name="Application">Front-end application (default unknown).</param>
/// <param name="Url">Page or resource URL (scrubbed).</param>
/// <param name="VitalName">LCP, FCP, CLS, INP, TTFB, … for vitals.</param>
/// <param name="VitalValue">Vital value (ms, or unitless for CLS).</param>
/// <param name="ErrorMessage">Error message (scrubbed).</param>
/// <param name="ErrorStack">Stack trace (scrubbed).</param>
/// <param name="ActionName">What the user did, e.g. "click on Checkout".</param>
/// <param name="DurationMs">Duration of a view, action or resource load in milliseconds (0 to 315576000000).</param>
/// <param name="UserAgent">The browser's user agent.</param>
/// <param name="Attributes">Free-form JSON object (strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels).</param>
public sealed record RumEventDoc(string Type, [property: JsonPropertyName("session_id")] string SessionId, string? Timestamp, string? Application, string? Url, [property: JsonPropertyName("vital_name")] string? VitalName, [property: JsonPropertyName("vital_value")] double? VitalValue, [property: JsonPropertyName("error_message")] string? ErrorMessage, [property: JsonPropertyName("error_stack")] string? ErrorStack, [property: JsonPropertyName("action_name")] string? ActionName, [property: JsonPropertyName("duration_ms")] double? DurationMs, [property: JsonPropertyName("user_agent")] string? UserAgent, Dictionary<string, object>? Attributes);

using System.Text.Json.Serialization;

namespace AegisGuard.Ingest.Schema;

// These records exist for the OpenAPI document only: the endpoints read the raw body (the HMAC covers its exact
// bytes) and decode it with the BatchDecoder classes, whose rules these comments restate.

/// <summary>A batch of log lines (at most 1000).</summary>
public sealed record LogsBatch
{
    /// <summary>The items of the batch (required).</summary>
    public required IReadOnlyList<LogEventDoc> Logs { get; init; }
}

/// <summary>One log line. Only <c>message</c> is required; fields not listed here are kept as attributes.</summary>
public sealed record LogEventDoc
{
    /// <summary>RFC 3339 (<c>2025-10-31T10:00:00Z</c>, with Z or an offset) or unix epoch in s, ms, µs or ns (told apart by magnitude). Default: the time the batch was received. Accepted from the first day the org's retention keeps (default: 30 days back, from 00:00 UTC; never more than 10 years) to 10 minutes in the future; outside that the batch is rejected with 422 (older events would be deleted by retention, so they are refused rather than stored and dropped).</summary>
    public string? Timestamp { get; init; }

    /// <summary>Emitting service (default <c>unknown</c>).</summary>
    public string? Service { get; init; }

    /// <summary>trace, debug, info, warn, error, fatal or a common synonym (warning, critical, information, …); default info.</summary>
    public string? Level { get; init; }

    /// <summary>The log message (up to 256 KiB). E-mails, SSNs and card numbers are scrubbed before storage.</summary>
    public required string Message { get; init; }

    /// <summary>Host name.</summary>
    public string? Host { get; init; }

    /// <summary>Trace id for correlation (letters, digits, - and _; up to 64).</summary>
    [JsonPropertyName("trace_id")]
    public string? TraceId { get; init; }

    /// <summary>Span id for correlation.</summary>
    [JsonPropertyName("span_id")]
    public string? SpanId { get; init; }

    /// <summary>Free-form JSON object (up to 256 keys; strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels); string values are scrubbed.</summary>
    public Dictionary<string, object>? Attributes { get; init; }
}

/// <summary>A batch of metric samples (at most 5000).</summary>
public sealed record MetricsBatch
{
    /// <summary>The items of the batch (required).</summary>
    public required IReadOnlyList<MetricSampleDoc> Metrics { get; init; }
}

/// <summary>One sample. Gauges and counters carry <c>value</c>; histograms carry <c>buckets</c>, <c>sum</c> and <c>count</c>.</summary>
public sealed record MetricSampleDoc
{
    /// <summary>Prometheus-style name; dots become underscores.</summary>
    public required string Name { get; init; }

    /// <summary>gauge, counter (cumulative, ≥ 0) or histogram.</summary>
    public required string Type { get; init; }

    /// <summary>The value of a gauge or counter.</summary>
    public double? Value { get; init; }

    /// <summary>As for logs; default: received time.</summary>
    public string? Timestamp { get; init; }

    /// <summary>Label names ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __) to string values (numbers and booleans are turned into text).</summary>
    public Dictionary<string, string>? Labels { get; init; }

    /// <summary>Cumulative buckets, ascending <c>le</c>; a <c>+Inf</c> bucket is added when missing.</summary>
    public IReadOnlyList<HistogramBucketDoc>? Buckets { get; init; }

    /// <summary>Sum of observations (histograms).</summary>
    public double? Sum { get; init; }

    /// <summary>Number of observations (histograms); must equal the +Inf bucket.</summary>
    public long? Count { get; init; }
}

/// <summary>One cumulative histogram bucket.</summary>
public sealed record HistogramBucketDoc
{
    /// <summary>Upper bound (a number, or the string "+Inf").</summary>
    public required double Le { get; init; }

    /// <summary>Observations ≤ le.</summary>
    public required long Count { get; init; }
}

/// <summary>A batch of spans (at most 500).</summary>
public sealed record TracesBatch
{
    /// <summary>The items of the batch (required).</summary>
    public required IReadOnlyList<SpanDoc> Spans { get; init; }
}

/// <summary>One span. Give <c>end</c> or <c>duration_ms</c>. Fields not listed are kept as attributes.</summary>
public sealed record SpanDoc
{
    /// <summary>Trace id (required; letters, digits, - and _; 16 hex digits, as Zipkin/B3 send, are stored widened to 32 with leading zeros).</summary>
    [JsonPropertyName("trace_id")]
    public required string TraceId { get; init; }

    /// <summary>Span id (required).</summary>
    [JsonPropertyName("span_id")]
    public required string SpanId { get; init; }

    /// <summary>Parent span id; absent or empty for a root span.</summary>
    [JsonPropertyName("parent_span_id")]
    public string? ParentSpanId { get; init; }

    /// <summary>Service (default unknown).</summary>
    public string? Service { get; init; }

    /// <summary>Operation name (required).</summary>
    public required string Name { get; init; }

    /// <summary>internal (default), server, client, producer or consumer.</summary>
    public string? Kind { get; init; }

    /// <summary>Start time (required), as for log timestamps.</summary>
    public required string Start { get; init; }

    /// <summary>End time.</summary>
    public string? End { get; init; }

    /// <summary>Duration in milliseconds (0 to 315576000000, i.e. 10 years), when end is not given.</summary>
    [JsonPropertyName("duration_ms")]
    public double? DurationMs { get; init; }

    /// <summary>ok, error or unset (default).</summary>
    public string? Status { get; init; }

    /// <summary>Status message (scrubbed).</summary>
    [JsonPropertyName("status_message")]
    public string? StatusMessage { get; init; }

    /// <summary>Free-form JSON object (strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels).</summary>
    public Dictionary<string, object>? Attributes { get; init; }

    /// <summary>
    /// Span events, at most 128, kept in the order sent. Their bytes count toward the span's 64 KiB of attributes. PII in
    /// names and attributes is scrubbed as in span attributes.
    /// </summary>
    public IReadOnlyList<SpanEventDoc>? Events { get; init; }

    /// <summary>Links to other spans (e.g. the batch a consumer span processes), at most 128; their bytes count as for events.</summary>
    public IReadOnlyList<SpanLinkDoc>? Links { get; init; }

    /// <summary>
    /// Resource attributes of the process that emitted the span (service.version, host.name, deployment.environment…),
    /// scrubbed and limited like attributes. A span without service takes the resource's service.name.
    /// </summary>
    public Dictionary<string, object>? Resource { get; init; }
}

/// <summary>A batch of RUM events (at most 1000).</summary>
public sealed record RumBatch
{
    /// <summary>The items of the batch (required).</summary>
    public required IReadOnlyList<RumEventDoc> Events { get; init; }
}

/// <summary>One browser event. Required by type: vital → vital_name + vital_value; error → error_message; action → action_name.</summary>
public sealed record RumEventDoc
{
    /// <summary>view, vital, error, action or resource.</summary>
    public required string Type { get; init; }

    /// <summary>Browser session id (required).</summary>
    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    /// <summary>As for logs.</summary>
    public string? Timestamp { get; init; }

    /// <summary>Front-end application (default unknown).</summary>
    public string? Application { get; init; }

    /// <summary>Page or resource URL (scrubbed).</summary>
    public string? Url { get; init; }

    /// <summary>LCP, FCP, CLS, INP, TTFB, … for vitals.</summary>
    [JsonPropertyName("vital_name")]
    public string? VitalName { get; init; }

    /// <summary>Vital value (ms, or unitless for CLS).</summary>
    [JsonPropertyName("vital_value")]
    public double? VitalValue { get; init; }

    /// <summary>Error message (scrubbed).</summary>
    [JsonPropertyName("error_message")]
    public string? ErrorMessage { get; init; }

    /// <summary>Stack trace (scrubbed).</summary>
    [JsonPropertyName("error_stack")]
    public string? ErrorStack { get; init; }

    /// <summary>What the user did, e.g. "click on Checkout".</summary>
    [JsonPropertyName("action_name")]
    public string? ActionName { get; init; }

    /// <summary>Duration of a view, action or resource load in milliseconds (0 to 315576000000).</summary>
    [JsonPropertyName("duration_ms")]
    public double? DurationMs { get; init; }

    /// <summary>The browser's user agent.</summary>
    [JsonPropertyName("user_agent")]
    public string? UserAgent { get; init; }

    /// <summary>Free-form JSON object (strings up to 32 KiB; all attributes of the item up to 64 KiB; nesting up to 8 levels).</summary>
    public Dictionary<string, object>? Attributes { get; init; }
}

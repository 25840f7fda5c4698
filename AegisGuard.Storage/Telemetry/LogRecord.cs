namespace AegisGuard.Storage.Telemetry;

/// <summary>One normalised log line as it is stored in Parquet.</summary>
public sealed class LogRecord : TelemetryRow
{
    /// <summary>When the event happened (UTC).</summary>
    public required DateTime Timestamp { get; init; }

    /// <summary>When AegisGuard accepted the batch holding this line (UTC).</summary>
    public required DateTime ReceivedAt { get; init; }

    /// <summary>Emitting service; <c>unknown</c> when the sender gave none.</summary>
    public required string Service { get; init; }

    /// <summary>Normalised level: trace, debug, info, warn, error or fatal.</summary>
    public required string Level { get; init; }

    /// <summary>Host name, if sent.</summary>
    public string? Host { get; init; }

    /// <summary>The (scrubbed) message.</summary>
    public required string Message { get; set; }

    /// <summary>Trace correlation id, if sent.</summary>
    public string? TraceId { get; init; }

    /// <summary>Span correlation id, if sent.</summary>
    public string? SpanId { get; init; }

    /// <summary>Attributes as a JSON object text (scrubbed).</summary>
    public required string AttributesJson { get; set; }
}

namespace AegisGuard.Storage.Telemetry;

/// <summary>One normalised Real User Monitoring event as it is stored in Parquet.</summary>
public sealed class RumEvent : TelemetryRow
{
    /// <summary>When it happened in the browser (UTC).</summary>
    public required DateTime Timestamp { get; init; }

    /// <summary>view, vital, error, action or resource.</summary>
    public required string Type { get; init; }

    /// <summary>Browser session id.</summary>
    public required string SessionId { get; init; }

    /// <summary>Application name (the RUM equivalent of a service).</summary>
    public required string Application { get; init; }

    /// <summary>Page URL (scrubbed).</summary>
    public string? Url { get; set; }

    /// <summary>Vital name (LCP, CLS, INP, FCP, TTFB, …) for vital events.</summary>
    public string? VitalName { get; init; }

    /// <summary>Vital value (milliseconds, or unitless for CLS).</summary>
    public double? VitalValue { get; init; }

    /// <summary>Error message (scrubbed) for error events.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Error stack (scrubbed) for error events.</summary>
    public string? ErrorStack { get; set; }

    /// <summary>Action name (e.g. "click on Checkout") for action events.</summary>
    public string? ActionName { get; init; }

    /// <summary>Duration in milliseconds for resource, view and action events.</summary>
    public double? DurationMs { get; init; }

    /// <summary>The browser's user agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Attributes as a JSON object text (scrubbed).</summary>
    public required string AttributesJson { get; set; }
}

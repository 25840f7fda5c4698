namespace AegisGuard.Storage.Logs;

/// <summary>Where a <see cref="LogField"/>'s value is read from.</summary>
public enum LogFieldSource
{
    /// <summary>The service column.</summary>
    Service,

    /// <summary>The level column.</summary>
    Level,

    /// <summary>The host column.</summary>
    Host,

    /// <summary>The trace_id column.</summary>
    TraceId,

    /// <summary>The span_id column.</summary>
    SpanId,

    /// <summary>A key of the attributes JSON object (a dotted name also finds the nested path).</summary>
    Attribute,

    /// <summary>A key of the message parsed as a JSON object, else the attribute of that name.</summary>
    JsonField,

    /// <summary>A <c>key=value</c> pair of the message parsed as logfmt, else the attribute of that name.</summary>
    LogfmtField,
}

namespace AegisGuard.Storage.Logs;

/// <summary>
/// A value of a log line that filters and groupings can name: a column (service, level, host, trace or span id),
/// an attribute, or a field lifted out of the message by a parser (<c>| json</c>, <c>| logfmt</c>), which falls
/// back to the attribute of the same name when the message does not carry it.
/// </summary>
/// <param name="Source">Where the value comes from.</param>
/// <param name="Name">The attribute or message field name (for columns: the column's label name).</param>
public sealed record LogField(LogFieldSource Source, string Name)
{
    /// <summary>The service column.</summary>
    public static LogField Service { get; } = new(LogFieldSource.Service, "service");

    /// <summary>The normalised level column.</summary>
    public static LogField Level { get; } = new(LogFieldSource.Level, "level");

    /// <summary>The host column.</summary>
    public static LogField Host { get; } = new(LogFieldSource.Host, "host");

    /// <summary>The trace id column.</summary>
    public static LogField TraceId { get; } = new(LogFieldSource.TraceId, "trace_id");

    /// <summary>The span id column.</summary>
    public static LogField SpanId { get; } = new(LogFieldSource.SpanId, "span_id");

    /// <summary>The attribute <paramref name="name"/>.</summary>
    public static LogField Attribute(string name) => new(LogFieldSource.Attribute, name);
}

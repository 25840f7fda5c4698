using System.Globalization;
using AegisGuard.Storage.Traces;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>How span rows are selected from the span files and read back.</summary>
internal static class SpanRows
{
    public const string Columns =
        "trace_id, span_id, parent_span_id, service, name, kind, start_ts, end_ts, duration_us, status, status_message, attributes, source_address, source_index, " +
        "events, links, resource";

    /// <summary><see cref="Columns"/> for files that all predate the events, links and resource columns.</summary>
    public const string ColumnsBeforeDetail =
        "trace_id, span_id, parent_span_id, service, name, kind, start_ts, end_ts, duration_us, status, status_message, attributes, source_address, source_index, " +
        "NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR";

    /// <summary>The same columns without the attributes text, for readers that do not show them.</summary>
    public const string ColumnsWithoutAttributes =
        "trace_id, span_id, parent_span_id, service, name, kind, start_ts, end_ts, duration_us, status, status_message, '{}', source_address, source_index";

    /// <summary>A request (entry span): what RED figures and request rates count.</summary>
    public const string IsEntry = "(kind IN ('server', 'consumer') OR parent_span_id IS NULL)";

    public static StoredSpan Read(DuckDBDataReader reader) => new()
    {
        TraceId = reader.GetString(0),
        SpanId = reader.GetString(1),
        ParentSpanId = reader.IsDBNull(2) ? null : reader.GetString(2),
        Service = reader.GetString(3),
        Name = reader.GetString(4),
        Kind = reader.GetString(5),
        Start = DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
        End = DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc),
        DurationMicros = reader.GetInt64(8),
        Status = reader.GetString(9),
        StatusMessage = reader.IsDBNull(10) ? null : reader.GetString(10),
        AttributesJson = reader.GetString(11),
        SourceAddress = reader.GetInt64(12),
        SourceIndex = reader.GetInt32(13),
        EventsJson = reader.FieldCount > 14 && !reader.IsDBNull(14) ? reader.GetString(14) : null,
        LinksJson = reader.FieldCount > 15 && !reader.IsDBNull(15) ? reader.GetString(15) : null,
        ResourceJson = reader.FieldCount > 16 && !reader.IsDBNull(16) ? reader.GetString(16) : null,
    };

    /// <summary>Warnings naming the damaged files a read left out.</summary>
    public static IReadOnlyList<string> Warnings(IEnumerable<DamagedFile> damaged) => damaged
        .DistinctBy(d => d.Path, StringComparer.Ordinal)
        .Select(d => string.Create(CultureInfo.InvariantCulture,
            $"Parquet file {d.Path} could not be read ({d.Reason}); its {d.Listing.Rows:N0} spans of {d.Listing.Day:yyyy-MM-dd} are " +
            $"missing from this answer. The file was moved aside and an administrator is told on /healthz."))
        .ToList();
}

using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The logs table: attributes stay a JSON text column (flushes 2× faster than MAP, same size).</summary>
internal sealed class LogTable : ITableSchema<LogRecord>
{
    public static readonly LogTable Instance = new();

    public Signal Signal => Signal.Logs;

    public IReadOnlyList<TableColumn<LogRecord>> Columns { get; } =
    [
        Column.OrgId<LogRecord>(),
        Column.Timestamp<LogRecord>("ts", r => r.Timestamp),
        Column.Timestamp<LogRecord>("received_at", r => r.ReceivedAt),
        Column.Varchar<LogRecord>("service", r => r.Service),
        Column.Varchar<LogRecord>("level", r => r.Level),
        Column.Varchar<LogRecord>("host", r => r.Host),
        Column.Varchar<LogRecord>("message", r => r.Message),
        Column.Varchar<LogRecord>("trace_id", r => r.TraceId),
        Column.Varchar<LogRecord>("span_id", r => r.SpanId),
        Column.Varchar<LogRecord>("attributes", r => r.AttributesJson),
        Column.BigInt<LogRecord>("source_address", r => r.SourceAddress),
        Column.Integer<LogRecord>("source_index", r => r.SourceIndex),
    ];

    public string SortKey => "service, ts";

    public DateTime TimeOf(LogRecord row) => row.Timestamp;
}

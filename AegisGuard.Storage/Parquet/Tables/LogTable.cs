using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The logs table: attributes stay a JSON text column (flushes 2× faster than MAP, same size).</summary>
internal sealed class LogTable : ITableSchema<LogRecord>
{
    public static readonly LogTable Instance = new();

    public Signal Signal => Signal.Logs;

    public string Columns => """
        org_id INTEGER, ts TIMESTAMP, received_at TIMESTAMP, service VARCHAR, level VARCHAR, host VARCHAR,
        message VARCHAR, trace_id VARCHAR, span_id VARCHAR, attributes VARCHAR, source_address BIGINT, source_index INTEGER
        """;

    public string SortKey => "service, ts";

    public DateTime TimeOf(LogRecord row) => row.Timestamp;

    public void Append(IDuckDBAppenderRow row, int orgId, LogRecord r) => row
        .AppendValue(orgId)
        .AppendValue(r.Timestamp)
        .AppendValue(r.ReceivedAt)
        .AppendValue(r.Service)
        .AppendValue(r.Level)
        .AppendValue(r.Host)
        .AppendValue(r.Message)
        .AppendValue(r.TraceId)
        .AppendValue(r.SpanId)
        .AppendValue(r.AttributesJson)
        .AppendValue(r.SourceAddress)
        .AppendValue(r.SourceIndex)
        .EndRow();
}

using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The spans table, sorted by trace so a trace-by-id lookup reads few row groups.</summary>
/// <remarks>
/// <c>events</c>, <c>links</c> and <c>resource</c> (JSON texts, NULL when the span has none) came after the first release
/// and sit last: files written before lack them, so readers of those columns check that a file has them
/// (<c>SpanRows</c>), and compaction merges files by column name.
/// </remarks>
internal sealed class SpanTable : ITableSchema<SpanRecord>
{
    public static readonly SpanTable Instance = new();

    public Signal Signal => Signal.Traces;

    public string Columns => """
        org_id INTEGER, trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, service VARCHAR, name VARCHAR,
        kind VARCHAR, start_ts TIMESTAMP, end_ts TIMESTAMP, duration_us BIGINT, status VARCHAR, status_message VARCHAR,
        attributes VARCHAR, source_address BIGINT, source_index INTEGER, events VARCHAR, links VARCHAR, resource VARCHAR
        """;

    public string SortKey => "trace_id, start_ts";

    public DateTime TimeOf(SpanRecord row) => row.Start;

    public void Append(IDuckDBAppenderRow row, int orgId, SpanRecord r) => row
        .AppendValue(orgId)
        .AppendValue(r.TraceId)
        .AppendValue(r.SpanId)
        .AppendValue(r.ParentSpanId)
        .AppendValue(r.Service)
        .AppendValue(r.Name)
        .AppendValue(r.Kind)
        .AppendValue(r.Start)
        .AppendValue(r.End)
        .AppendValue(r.DurationMicros)
        .AppendValue(r.Status)
        .AppendValue(r.StatusMessage)
        .AppendValue(r.AttributesJson)
        .AppendValue(r.SourceAddress)
        .AppendValue(r.SourceIndex)
        .AppendValue(r.EventsJson)
        .AppendValue(r.LinksJson)
        .AppendValue(r.ResourceJson)
        .EndRow();
}

using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Telemetry;

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

    public IReadOnlyList<TableColumn<SpanRecord>> Columns { get; } =
    [
        Column.OrgId<SpanRecord>(),
        Column.Varchar<SpanRecord>("trace_id", r => r.TraceId),
        Column.Varchar<SpanRecord>("span_id", r => r.SpanId),
        Column.Varchar<SpanRecord>("parent_span_id", r => r.ParentSpanId),
        Column.Varchar<SpanRecord>("service", r => r.Service),
        Column.Varchar<SpanRecord>("name", r => r.Name),
        Column.Varchar<SpanRecord>("kind", r => r.Kind),
        Column.Timestamp<SpanRecord>("start_ts", r => r.Start),
        Column.Timestamp<SpanRecord>("end_ts", r => r.End),
        Column.BigInt<SpanRecord>("duration_us", r => r.DurationMicros),
        Column.Varchar<SpanRecord>("status", r => r.Status),
        Column.Varchar<SpanRecord>("status_message", r => r.StatusMessage),
        Column.Varchar<SpanRecord>("attributes", r => r.AttributesJson),
        Column.BigInt<SpanRecord>("source_address", r => r.SourceAddress),
        Column.Integer<SpanRecord>("source_index", r => r.SourceIndex),
        Column.Varchar<SpanRecord>("events", r => r.EventsJson),
        Column.Varchar<SpanRecord>("links", r => r.LinksJson),
        Column.Varchar<SpanRecord>("resource", r => r.ResourceJson),
    ];

    public string SortKey => "trace_id, start_ts";

    /// <summary>
    /// Row groups of 16,384 spans: a file is sorted by trace id, so trace by id decodes the one or two row groups whose
    /// trace-id statistics hold the id instead of all of a fresh file's ~100 k rows (the random span and parent ids and
    /// the attributes are most of that decoding; docs/benchmarks.md, trace by id). Costs ~7 % more bytes.
    /// </summary>
    public int RowGroupSize => 16_384;

    public DateTime TimeOf(SpanRecord row) => row.Start;
}

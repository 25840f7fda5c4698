using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The metrics table: one row per sample; histograms keep their cumulative buckets as lists.</summary>
internal sealed class MetricTable : ITableSchema<MetricPoint>
{
    public static readonly MetricTable Instance = new();

    public Signal Signal => Signal.Metrics;

    public string Columns => """
        org_id INTEGER, ts TIMESTAMP, name VARCHAR, type VARCHAR, value DOUBLE, count BIGINT,
        bucket_bounds DOUBLE[], bucket_counts BIGINT[], labels VARCHAR, source_address BIGINT, source_index INTEGER
        """;

    public string SortKey => "name, labels, ts";

    public DateTime TimeOf(MetricPoint row) => row.Timestamp;

    public void Append(IDuckDBAppenderRow row, int orgId, MetricPoint r) => row
        .AppendValue(orgId)
        .AppendValue(r.Timestamp)
        .AppendValue(r.Name)
        .AppendValue(r.Type)
        .AppendValue(r.Value)
        .AppendValue(r.Count)
        .AppendValue<double>(r.BucketBounds)
        .AppendValue<long>(r.BucketCounts)
        .AppendValue(r.LabelsJson)
        .AppendValue(r.SourceAddress)
        .AppendValue(r.SourceIndex)
        .EndRow();
}

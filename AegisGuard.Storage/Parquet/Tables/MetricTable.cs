using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The metrics table: one row per sample; histograms keep their cumulative buckets as lists.</summary>
internal sealed class MetricTable : ITableSchema<MetricPoint>
{
    public static readonly MetricTable Instance = new();

    public Signal Signal => Signal.Metrics;

    public IReadOnlyList<TableColumn<MetricPoint>> Columns { get; } =
    [
        Column.OrgId<MetricPoint>(),
        Column.Timestamp<MetricPoint>("ts", r => r.Timestamp),
        Column.Varchar<MetricPoint>("name", r => r.Name),
        Column.Varchar<MetricPoint>("type", r => r.Type),
        Column.Double<MetricPoint>("value", r => r.Value),
        Column.BigInt<MetricPoint>("count", r => r.Count),
        Column.List<MetricPoint, double>("bucket_bounds", r => r.BucketBounds),
        Column.List<MetricPoint, long>("bucket_counts", r => r.BucketCounts),
        Column.Varchar<MetricPoint>("labels", r => r.LabelsJson),
        Column.BigInt<MetricPoint>("source_address", r => r.SourceAddress),
        Column.Integer<MetricPoint>("source_index", r => r.SourceIndex),
    ];

    public string SortKey => "name, labels, ts";

    public DateTime TimeOf(MetricPoint row) => row.Timestamp;
}

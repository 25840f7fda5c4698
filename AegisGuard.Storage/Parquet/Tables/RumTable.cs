using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The RUM events table: one wide table for views, vitals, errors, actions and resources.</summary>
internal sealed class RumTable : ITableSchema<RumEvent>
{
    public static readonly RumTable Instance = new();

    public Signal Signal => Signal.Rum;

    public IReadOnlyList<TableColumn<RumEvent>> Columns { get; } =
    [
        Column.OrgId<RumEvent>(),
        Column.Timestamp<RumEvent>("ts", r => r.Timestamp),
        Column.Varchar<RumEvent>("type", r => r.Type),
        Column.Varchar<RumEvent>("session_id", r => r.SessionId),
        Column.Varchar<RumEvent>("application", r => r.Application),
        Column.Varchar<RumEvent>("url", r => r.Url),
        Column.Varchar<RumEvent>("vital_name", r => r.VitalName),
        Column.Double<RumEvent>("vital_value", r => r.VitalValue),
        Column.Varchar<RumEvent>("error_message", r => r.ErrorMessage),
        Column.Varchar<RumEvent>("error_stack", r => r.ErrorStack),
        Column.Varchar<RumEvent>("action_name", r => r.ActionName),
        Column.Double<RumEvent>("duration_ms", r => r.DurationMs),
        Column.Varchar<RumEvent>("user_agent", r => r.UserAgent),
        Column.Varchar<RumEvent>("attributes", r => r.AttributesJson),
        Column.BigInt<RumEvent>("source_address", r => r.SourceAddress),
        Column.Integer<RumEvent>("source_index", r => r.SourceIndex),
    ];

    public string SortKey => "application, type, ts";

    public DateTime TimeOf(RumEvent row) => row.Timestamp;
}

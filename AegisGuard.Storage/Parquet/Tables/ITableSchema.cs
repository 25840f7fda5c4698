using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>How one signal's rows become DuckDB/Parquet columns.</summary>
internal interface ITableSchema<T> where T : TelemetryRow
{
    /// <summary>The signal this schema stores.</summary>
    Signal Signal { get; }

    /// <summary>The columns in file order, org id first; each knows how a row fills its staging buffer.</summary>
    IReadOnlyList<TableColumn<T>> Columns { get; }

    /// <summary>Sort order inside a file, chosen so row-group statistics prune common filters.</summary>
    string SortKey { get; }

    /// <summary>
    /// Rows per Parquet row group. DuckDB's default (122,880) makes a fresh flush one row group, so statistics on the
    /// sort key cannot prune inside it; a table read by point look-ups on its sort key says so with a smaller one.
    /// </summary>
    int RowGroupSize => 122_880;

    /// <summary>The time that places the row in a day partition.</summary>
    DateTime TimeOf(T row);
}

using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>How one signal's rows become DuckDB/Parquet columns.</summary>
internal interface ITableSchema<in T> where T : TelemetryRow
{
    /// <summary>The signal this schema stores.</summary>
    Signal Signal { get; }

    /// <summary>Column definitions (DDL) in append order.</summary>
    string Columns { get; }

    /// <summary>Sort order inside a file, chosen so row-group statistics prune common filters.</summary>
    string SortKey { get; }

    /// <summary>The time that places the row in a day partition.</summary>
    DateTime TimeOf(T row);

    /// <summary>Appends one row, org id first.</summary>
    void Append(IDuckDBAppenderRow row, int orgId, T record);
}

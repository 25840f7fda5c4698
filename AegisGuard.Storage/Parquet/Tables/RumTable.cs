using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Tables;

/// <summary>The RUM events table: one wide table for views, vitals, errors, actions and resources.</summary>
internal sealed class RumTable : ITableSchema<RumEvent>
{
    public static readonly RumTable Instance = new();

    public Signal Signal => Signal.Rum;

    public string Columns => """
        org_id INTEGER, ts TIMESTAMP, type VARCHAR, session_id VARCHAR, application VARCHAR, url VARCHAR,
        vital_name VARCHAR, vital_value DOUBLE, error_message VARCHAR, error_stack VARCHAR, action_name VARCHAR,
        duration_ms DOUBLE, user_agent VARCHAR, attributes VARCHAR, source_address BIGINT, source_index INTEGER
        """;

    public string SortKey => "application, type, ts";

    public DateTime TimeOf(RumEvent row) => row.Timestamp;

    public void Append(IDuckDBAppenderRow row, int orgId, RumEvent r) => row
        .AppendValue(orgId)
        .AppendValue(r.Timestamp)
        .AppendValue(r.Type)
        .AppendValue(r.SessionId)
        .AppendValue(r.Application)
        .AppendValue(r.Url)
        .AppendValue(r.VitalName)
        .AppendValue(r.VitalValue)
        .AppendValue(r.ErrorMessage)
        .AppendValue(r.ErrorStack)
        .AppendValue(r.ActionName)
        .AppendValue(r.DurationMs)
        .AppendValue(r.UserAgent)
        .AppendValue(r.AttributesJson)
        .AppendValue(r.SourceAddress)
        .AppendValue(r.SourceIndex)
        .EndRow();
}

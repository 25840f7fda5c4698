using System.Text;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet;

/// <summary>Reads logs: lists the org's files from the manifest, then runs one parameterised DuckDB query over them.</summary>
public sealed class LogStore
{
    private readonly Manifest manifest;
    private readonly DuckDbEngine engine;
    private readonly string telemetryRoot;

    internal LogStore(Manifest manifest, DuckDbEngine engine, string telemetryRoot)
    {
        this.manifest = manifest;
        this.engine = engine;
        this.telemetryRoot = telemetryRoot;
    }

    /// <summary>Lines matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<LogRecord>> SearchAsync(LogQuery query, CancellationToken cancellationToken)
    {
        var files = manifest.ListFiles(Signal.Logs, query.OrgId, query.From, query.To);
        if (files.Count == 0 || query.Limit <= 0)
        {
            return [];
        }

        var paths = files.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList();
        return await engine.QueryAsync((connection, ct) => Search(connection, paths, query, ct), cancellationToken);
    }

    private static List<LogRecord> Search(DuckDBConnection connection, List<string> paths, LogQuery query, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        var sql = new StringBuilder($"""
            SELECT {LogSqlBuilder.RowColumns}
            FROM read_parquet($files)
            WHERE org_id = $org AND ts >= $from AND ts < $to
            """);
        command.Parameters.Add(new DuckDBParameter("files", paths));
        command.Parameters.Add(new DuckDBParameter("org", query.OrgId));
        command.Parameters.Add(new DuckDBParameter("from", query.From));
        command.Parameters.Add(new DuckDBParameter("to", query.To));
        if (query.Service is not null)
        {
            sql.Append(" AND service = $service");
            command.Parameters.Add(new DuckDBParameter("service", query.Service));
        }

        if (query.Level is not null)
        {
            sql.Append(" AND level = $level");
            command.Parameters.Add(new DuckDBParameter("level", query.Level));
        }

        if (!string.IsNullOrEmpty(query.Contains))
        {
            sql.Append(" AND contains(lower(message), $contains)");
            command.Parameters.Add(new DuckDBParameter("contains", query.Contains.ToLowerInvariant()));
        }

        sql.Append(" ORDER BY ts DESC, source_address DESC, source_index DESC LIMIT $limit");
        command.Parameters.Add(new DuckDBParameter("limit", query.Limit));
        command.CommandText = sql.ToString();

        var rows = new List<LogRecord>(Math.Min(query.Limit, 1024));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows.Add(LogSqlBuilder.ReadRow(reader));
        }

        return rows;
    }
}

using System.Text;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Storage.Parquet.Logs;

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

    /// <summary>Takes damaged files out of a search that fails on them (null: a failing search just fails).</summary>
    internal ParquetFileGuard? Guard { get; set; }

    /// <summary>Lines matching <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<LogRecord>> SearchAsync(LogQuery query, CancellationToken cancellationToken) =>
        (await FindAsync(query, cancellationToken)).Rows;

    /// <summary>
    /// Lines matching <paramref name="query"/>, newest first, and the damaged files that were moved aside while
    /// searching (their lines are missing from the answer).
    /// </summary>
    public async Task<(IReadOnlyList<LogRecord> Rows, IReadOnlyList<DamagedFile> Damaged)> FindAsync(LogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var files = manifest.ListFiles(Signal.Logs, query.OrgId, query.From, query.To);
        if (files.Count == 0 || query.Limit <= 0)
        {
            return ([], []);
        }

        Task<List<LogRecord>> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct)
        {
            var paths = selected.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList();
            return engine.QueryAsync((connection, token) => Search(connection, paths, query, token), ct);
        }

        if (Guard is null)
        {
            return (await Run(files, cancellationToken), []);
        }

        var (rows, damaged) = await Guard.ReadAsync(files, Run, [], cancellationToken);
        return (rows, damaged);
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

using System.Globalization;
using AegisGuard.Storage.Files;
using AegisGuard.Storage.Parquet.Tables;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Turns rows into zstd Parquet files with the DuckDB appender: rows go into a connection-local temp table,
/// a COPY writes them sorted to a hidden temp name, the file is fsynced and renamed into place. No query can
/// see a half-written file because queries only read files listed in the manifest. Single-threaded by design.
/// </summary>
internal sealed class PartitionWriter : IDisposable
{
    private readonly string telemetryRoot;
    private readonly DuckDBConnection connection;

    public PartitionWriter(DuckDbEngine engine, string telemetryRoot)
    {
        this.telemetryRoot = telemetryRoot;
        connection = engine.OpenConnection();
    }

    /// <summary>Writes one partition's rows to <c>&lt;first&gt;-&lt;next&gt;.parquet</c> (replacing a file a replay left there).</summary>
    public ManifestFile Write<T>(ITableSchema<T> schema, PartitionKey key, List<T> rows, long firstAddress, long nextAddress)
        where T : TelemetryRow
    {
        // A fresh table per file: deleted rows of a reused table kept their memory in DuckDB.
        string table = "buffer_" + SignalNames.Of(schema.Signal);
        Execute($"CREATE OR REPLACE TEMP TABLE {table} ({schema.Columns})");
        DateTime min = DateTime.MaxValue, max = DateTime.MinValue;
        using (var appender = connection.CreateAppender("temp", "main", table))
        {
            foreach (var row in rows)
            {
                schema.Append(appender.CreateRow(), key.OrgId, row);
                var time = schema.TimeOf(row);
                if (time < min)
                {
                    min = time;
                }

                if (time > max)
                {
                    max = time;
                }
            }
        }

        string name = string.Create(CultureInfo.InvariantCulture, $"{firstAddress:D14}-{nextAddress:D14}.parquet");
        string relative = $"{key.RelativeFolder}/{name}";
        long bytes = CopyToParquet($"SELECT * FROM {table} ORDER BY {schema.SortKey}", relative);
        Execute($"DROP TABLE {table}");
        return new ManifestFile
        {
            Path = relative,
            Signal = key.Signal,
            OrgId = key.OrgId,
            Day = key.Day,
            MinTimestamp = min,
            MaxTimestamp = max,
            Rows = rows.Count,
            Bytes = bytes,
            FirstAddress = firstAddress,
            NextAddress = nextAddress,
            Level = "fresh",
        };
    }

    /// <summary>Merges <paramref name="inputs"/> (one partition) into one sorted file; the caller swaps the manifest rows.</summary>
    public ManifestFile Merge<T>(ITableSchema<T> schema, PartitionKey key, IReadOnlyList<ManifestFile> inputs)
        where T : TelemetryRow
    {
        long first = inputs.Min(f => f.FirstAddress);
        long next = inputs.Max(f => f.NextAddress);
        string name = string.Create(CultureInfo.InvariantCulture, $"c{first:D14}-{next:D14}.parquet");
        string relative = $"{key.RelativeFolder}/{name}";
        string list = string.Join(", ", inputs.Select(f => SqlLiteral(Path.Combine(telemetryRoot, f.Path))));
        long bytes = CopyToParquet($"SELECT * FROM read_parquet([{list}]) ORDER BY {schema.SortKey}", relative);
        return new ManifestFile
        {
            Path = relative,
            Signal = key.Signal,
            OrgId = key.OrgId,
            Day = key.Day,
            MinTimestamp = inputs.Min(f => f.MinTimestamp),
            MaxTimestamp = inputs.Max(f => f.MaxTimestamp),
            Rows = inputs.Sum(f => f.Rows),
            Bytes = bytes,
            FirstAddress = first,
            NextAddress = next,
            Level = "compacted",
        };
    }

    /// <summary>
    /// Quotes a path we generated ourselves (never user text) for a DuckDB statement that cannot take parameters.
    /// </summary>
    internal static string SqlLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private long CopyToParquet(string select, string relative)
    {
        string final = Path.Combine(telemetryRoot, relative);
        string folder = Path.GetDirectoryName(final)!;
        DirectorySync.CreateDurably(telemetryRoot, folder);
        string temp = Path.Combine(folder, "." + Path.GetFileName(final) + ".tmp");
        Execute($"COPY ({select}) TO {SqlLiteral(temp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)");
        using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            // The ingest log is completed and truncated after this flush: the bytes must be on disk first.
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, final, overwrite: true);

        // The manifest lists the file next, and the log is truncated after that: the new name must be durable too.
        DirectorySync.Sync(folder);
        return new FileInfo(final).Length;
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => connection.Dispose();
}

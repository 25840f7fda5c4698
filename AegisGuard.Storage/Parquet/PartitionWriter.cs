using System.Globalization;
using AegisGuard.Storage.Files;
using AegisGuard.Storage.Parquet.Tables;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Turns rows into zstd Parquet files with the DuckDB appender: rows are staged in connection-local temp tables
/// as they arrive (one per partition), then a COPY writes each sorted to a hidden temp name, the file is fsynced
/// and renamed into place. No query can see a half-written file because queries only read files listed in the
/// manifest. Single-threaded by design.
/// </summary>
internal sealed class PartitionWriter : IDisposable
{
    private readonly string telemetryRoot;
    private readonly DuckDBConnection connection;
    private readonly Dictionary<PartitionKey, StagedTable> staged = [];
    private Dictionary<PartitionKey, StagedTable>? tentative;
    private long tablesCreated;

    public PartitionWriter(DuckDbEngine engine, string telemetryRoot)
    {
        this.telemetryRoot = telemetryRoot;
        connection = engine.OpenConnection();
    }

    /// <summary>
    /// Starts staging one batch of rows (possibly several partitions): everything staged until <see cref="CommitStaging"/>
    /// is kept or, after <see cref="RollbackStaging"/>, forgotten as a whole — so a record is never half staged.
    /// </summary>
    public void BeginStaging()
    {
        if (tentative is not null)
        {
            throw new InvalidOperationException("staging already begun");
        }

        Execute("BEGIN TRANSACTION");
        tentative = [];
    }

    /// <summary>
    /// Appends <paramref name="rows"/> to the staging table of <paramref name="key"/> (created on first use) inside the
    /// batch begun by <see cref="BeginStaging"/>. Staged rows live in DuckDB's memory, not on the .NET heap: the
    /// normalizer stages every batch as it arrives, so a second's worth of rows is not kept alive as objects the garbage
    /// collector must trace and copy until the flush.
    /// </summary>
    public void Stage<T>(ITableSchema<T> schema, PartitionKey key, List<T> rows)
        where T : TelemetryRow
    {
        var batch = tentative ?? throw new InvalidOperationException("call BeginStaging first");
        if (!batch.TryGetValue(key, out var change))
        {
            bool created = !staged.TryGetValue(key, out var table);
            change = new StagedTable(table?.Name ?? "stage_" + (++tablesCreated).ToString(CultureInfo.InvariantCulture)) { Created = created };
            if (created)
            {
                Execute($"CREATE TEMP TABLE {change.Name} ({schema.Columns})");
            }

            batch[key] = change;
        }

        using (var appender = connection.CreateAppender("temp", "main", change.Name))
        {
            foreach (var row in rows)
            {
                schema.Append(appender.CreateRow(), key.OrgId, row);
                change.Include(schema.TimeOf(row));
            }
        }

        change.Rows += rows.Count;
    }

    /// <summary>Keeps what was staged since <see cref="BeginStaging"/>.</summary>
    public void CommitStaging()
    {
        var batch = tentative ?? throw new InvalidOperationException("call BeginStaging first");
        Execute("COMMIT");
        tentative = null;
        foreach (var (key, change) in batch)
        {
            if (!staged.TryGetValue(key, out var table))
            {
                table = new StagedTable(change.Name);
                staged[key] = table;
            }

            if (change.Rows > 0)
            {
                table.Include(change.Min);
                table.Include(change.Max);
                table.Rows += change.Rows;
            }
        }
    }

    /// <summary>Forgets what was staged since <see cref="BeginStaging"/> (tables created for it included).</summary>
    public void RollbackStaging()
    {
        if (tentative is null)
        {
            return;
        }

        tentative = null;
        Execute("ROLLBACK");
    }

    /// <summary>
    /// Whether the engine itself still stages rows: appends a canary row to a scratch table in a transaction that is
    /// rolled back. When a batch fails to stage but this succeeds, the batch's own data is the problem (quarantine it);
    /// when this fails too, the engine is (retry later).
    /// </summary>
    public bool ProbeEngine<T>(ITableSchema<T> schema, T canary)
        where T : TelemetryRow
    {
        try
        {
            Execute("BEGIN TRANSACTION");
            try
            {
                Execute($"CREATE TEMP TABLE stage_probe ({schema.Columns})");
                using (var appender = connection.CreateAppender("temp", "main", "stage_probe"))
                {
                    schema.Append(appender.CreateRow(), 0, canary);
                }
            }
            finally
            {
                Execute("ROLLBACK");
            }

            return true;
        }
        catch (Exception ex) when (ex is DuckDBException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="key"/> has staged rows waiting for <see cref="WriteStaged"/>.</summary>
    public bool HasStaged(PartitionKey key) => staged.ContainsKey(key);

    /// <summary>
    /// Writes the staged rows of <paramref name="key"/> to <c>&lt;first&gt;-&lt;next&gt;.parquet</c> (replacing a file a replay
    /// left there). The staging table stays until <see cref="ReleaseStaged"/>, so a failed flush can be written again.
    /// </summary>
    public ManifestFile WriteStaged<T>(ITableSchema<T> schema, PartitionKey key, long firstAddress, long nextAddress)
        where T : TelemetryRow
    {
        var table = staged[key];
        string name = string.Create(CultureInfo.InvariantCulture, $"{firstAddress:D14}-{nextAddress:D14}.parquet");
        string relative = $"{key.RelativeFolder}/{name}";
        long bytes = CopyToParquet($"SELECT * FROM {table.Name} ORDER BY {schema.SortKey}", relative);
        return new ManifestFile
        {
            Path = relative,
            Signal = key.Signal,
            OrgId = key.OrgId,
            Day = key.Day,
            MinTimestamp = table.Min,
            MaxTimestamp = table.Max,
            Rows = table.Rows,
            Bytes = bytes,
            FirstAddress = firstAddress,
            NextAddress = nextAddress,
            Level = "fresh",
        };
    }

    /// <summary>Drops every staging table (after the flush that wrote them is committed). A fresh table per flush:
    /// deleted rows of a reused table kept their memory in DuckDB.</summary>
    public void ReleaseStaged()
    {
        foreach (var table in staged.Values)
        {
            Execute($"DROP TABLE IF EXISTS {table.Name}");
        }

        staged.Clear();
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
        // By name: inputs written before a table gained columns (spans' events, links, resource) lack them.
        long bytes = CopyToParquet($"SELECT * FROM read_parquet([{list}], union_by_name = true) ORDER BY {schema.SortKey}", relative);
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

    private sealed class StagedTable(string name)
    {
        public string Name { get; } = name;

        public DateTime Min { get; private set; } = DateTime.MaxValue;

        public DateTime Max { get; private set; } = DateTime.MinValue;

        public long Rows { get; set; }

        /// <summary>True when the table was created by the staging batch this describes.</summary>
        public bool Created { get; init; }

        public void Include(DateTime time)
        {
            if (time < Min)
            {
                Min = time;
            }

            if (time > Max)
            {
                Max = time;
            }
        }
    }
}

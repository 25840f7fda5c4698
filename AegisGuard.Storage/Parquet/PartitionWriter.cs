using System.Globalization;
using AegisGuard.Storage.Files;
using AegisGuard.Storage.Parquet.Staging;
using AegisGuard.Storage.Parquet.Tables;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Turns rows into zstd Parquet files: rows are staged in .NET columnar buffers as they arrive (one per partition,
/// <see cref="StagedRows"/>), then a COPY reads each through a DuckDB table function, sorts it and writes it to a
/// hidden temp name; the file is fsynced and renamed into place. No query can see a half-written file because queries
/// only read files listed in the manifest. Single-threaded by design.
/// </summary>
/// <remarks>
/// Staging used to append to DuckDB temp tables; that spent most of the write thread keeping table statistics and
/// transaction-local storage for rows that are only ever read once, by the COPY (issue #9).
/// </remarks>
internal sealed class PartitionWriter : IDisposable
{
    private static long functionsRegistered;

    private readonly string telemetryRoot;
    private readonly DuckDBConnection connection;
    private readonly string functionName;
    private readonly Dictionary<PartitionKey, StagedRows> staged = [];
    private readonly Dictionary<long, (StagedRows Rows, ColumnInfo[] Columns)> reading = [];
    private Dictionary<PartitionKey, (int Rows, DateTime Min, DateTime Max)>? tentative;
    private long readsStarted;

    public PartitionWriter(DuckDbEngine engine, string telemetryRoot)
    {
        this.telemetryRoot = telemetryRoot;
        connection = engine.OpenConnection();

        // Functions live in the database's catalog, shared by its connections: one name per writer.
        functionName = "aegis_staged_" + Interlocked.Increment(ref functionsRegistered).ToString(CultureInfo.InvariantCulture);
        connection.RegisterTableFunction<long>(functionName, BindStaged, static (item, writers, row) =>
        {
            var (rows, index) = ((StagedRows, int))item!;
            var buffers = rows.Buffers;
            for (int i = 0; i < buffers.Length; i++)
            {
                buffers[i].Write(writers[i], index, row);
            }
        });
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

        tentative = [];
    }

    /// <summary>
    /// Adds <paramref name="rows"/> to the column buffers of <paramref name="key"/> (created on first use) inside the
    /// batch begun by <see cref="BeginStaging"/>. Values are copied into flat arrays (text as UTF-8 bytes), so a second's
    /// worth of rows is not kept alive as objects the garbage collector must trace and copy until the flush. Throws
    /// <see cref="InvalidDataException"/> for a value the Parquet writer would refuse (text that is not valid Unicode).
    /// </summary>
    public void Stage<T>(ITableSchema<T> schema, PartitionKey key, List<T> rows)
        where T : TelemetryRow
    {
        var batch = tentative ?? throw new InvalidOperationException("call BeginStaging first");
        if (!staged.TryGetValue(key, out var buffers))
        {
            buffers = new StagedRows([.. schema.Columns.Select(c => c.CreateBuffer())]);
            staged[key] = buffers;
        }

        batch.TryAdd(key, buffers.Mark());
        var columns = schema.Columns;
        foreach (var row in rows)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                columns[i].Add(buffers.Buffers[i], key.OrgId, row);
            }

            buffers.Added(schema.TimeOf(row));
        }
    }

    /// <summary>Keeps what was staged since <see cref="BeginStaging"/>.</summary>
    public void CommitStaging()
    {
        _ = tentative ?? throw new InvalidOperationException("call BeginStaging first");
        tentative = null;
    }

    /// <summary>Forgets what was staged since <see cref="BeginStaging"/> (partitions it began included).</summary>
    public void RollbackStaging()
    {
        if (tentative is null)
        {
            return;
        }

        foreach (var (key, mark) in tentative)
        {
            var rows = staged[key];
            rows.RollBack(mark);
            if (mark.Rows == 0)
            {
                rows.Release();
                staged.Remove(key);
            }
        }

        tentative = null;
    }

    /// <summary>
    /// Whether the engine itself still takes rows: stages a canary row into a scratch buffer and has DuckDB read it
    /// back through the staging function. When a batch fails to stage but this succeeds, the batch's own data is the
    /// problem (quarantine it); when this fails too, the engine is (retry later).
    /// </summary>
    public bool ProbeEngine<T>(ITableSchema<T> schema, T canary)
        where T : TelemetryRow
    {
        var probe = new StagedRows([.. schema.Columns.Select(c => c.CreateBuffer())]);
        try
        {
            for (int i = 0; i < schema.Columns.Count; i++)
            {
                schema.Columns[i].Add(probe.Buffers[i], 0, canary);
            }

            probe.Added(schema.TimeOf(canary));
            long id = StartReading(schema, probe);
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM {functionName}({id.ToString(CultureInfo.InvariantCulture)})";
                return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
            }
            finally
            {
                reading.Remove(id);
            }
        }
        catch (Exception ex) when (ex is DuckDBException or InvalidOperationException or InvalidDataException or OutOfMemoryException)
        {
            return false;
        }
        finally
        {
            probe.Release();
        }
    }

    /// <summary>True when <paramref name="key"/> has staged rows waiting for <see cref="WriteStaged"/>.</summary>
    public bool HasStaged(PartitionKey key) => staged.ContainsKey(key);

    /// <summary>
    /// Writes the staged rows of <paramref name="key"/> to <c>&lt;first&gt;-&lt;next&gt;.parquet</c> (replacing a file a replay
    /// left there). The buffers stay until <see cref="ReleaseStaged"/>, so a failed flush can be written again.
    /// </summary>
    public ManifestFile WriteStaged<T>(ITableSchema<T> schema, PartitionKey key, long firstAddress, long nextAddress)
        where T : TelemetryRow
    {
        var rows = staged[key];
        string name = string.Create(CultureInfo.InvariantCulture, $"{firstAddress:D14}-{nextAddress:D14}.parquet");
        string relative = $"{key.RelativeFolder}/{name}";
        long id = StartReading(schema, rows);
        long bytes;
        try
        {
            bytes = CopyToParquet($"SELECT * FROM {functionName}({id.ToString(CultureInfo.InvariantCulture)}) ORDER BY {schema.SortKey}", relative, schema.RowGroupSize);
        }
        finally
        {
            reading.Remove(id);
        }

        return new ManifestFile
        {
            Path = relative,
            Signal = key.Signal,
            OrgId = key.OrgId,
            Day = key.Day,
            MinTimestamp = rows.Min,
            MaxTimestamp = rows.Max,
            Rows = rows.Rows,
            Bytes = bytes,
            FirstAddress = firstAddress,
            NextAddress = nextAddress,
            Level = "fresh",
        };
    }

    /// <summary>Drops every staged buffer (after the flush that wrote them is committed), pooled memory returned.</summary>
    public void ReleaseStaged()
    {
        foreach (var rows in staged.Values)
        {
            rows.Release();
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
        long bytes = CopyToParquet($"SELECT * FROM read_parquet([{list}], union_by_name = true) ORDER BY {schema.SortKey}", relative, schema.RowGroupSize);
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

    private long CopyToParquet(string select, string relative, int rowGroupSize)
    {
        string final = Path.Combine(telemetryRoot, relative);
        string folder = Path.GetDirectoryName(final)!;
        DirectorySync.CreateDurably(telemetryRoot, folder);
        string temp = Path.Combine(folder, "." + Path.GetFileName(final) + ".tmp");
        Execute($"COPY ({select}) TO {SqlLiteral(temp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {rowGroupSize.ToString(CultureInfo.InvariantCulture)})");
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

    private long StartReading<T>(ITableSchema<T> schema, StagedRows rows)
        where T : TelemetryRow
    {
        long id = ++readsStarted;
        var columns = schema.Columns.Select((c, i) => new ColumnInfo(c.Name, rows.Buffers[i].ClrType)).ToArray();
        reading[id] = (rows, columns);
        return id;
    }

    /// <summary>Binds <c>aegis_staged_n(id)</c> to the buffers being read; rows are (buffers, index) pairs.</summary>
    private TableFunction BindStaged(IReadOnlyList<IDuckDBValueReader> parameters)
    {
        long id = parameters[0].GetValue<long>();
        if (!reading.TryGetValue(id, out var source))
        {
            throw new InvalidOperationException($"no staged rows are being read as {id}");
        }

        return new TableFunction(source.Columns, Enumerable.Range(0, source.Rows.Rows).Select(i => (object)(source.Rows, i)));
    }

    public void Dispose()
    {
        ReleaseStaged();
        connection.Dispose();
    }
}

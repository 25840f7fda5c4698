using AegisGuard.Storage.Health;
using AegisGuard.Storage.Parquet.Tables;
using AegisGuard.Storage.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// The embedded columnar store: Parquet partitions under <c>data/telemetry</c>, listed in <c>manifest.db</c>,
/// written and read through one in-process DuckDB. Flushes come from the pipeline (one thread); compaction
/// runs on its own writer; reads go through <see cref="Logs"/>.
/// </summary>
public sealed partial class TelemetryStore : IDisposable
{
    private const string Fresh = "fresh";
    private readonly PartitionWriter flushWriter;
    private readonly PartitionWriter compactionWriter;
    private readonly ILogger logger;
    private long flushedUntil;

    /// <summary>
    /// Opens the store in <paramref name="directory"/> (migrating the manifest; a damaged one is moved aside and
    /// <see cref="ManifestRebuildReason"/> says a rebuild is due). DuckDB may use <paramref name="memoryLimit"/> of memory
    /// and spills beyond it to <c>data/tmp</c>.
    /// </summary>
    public TelemetryStore(DataDirectory directory, ILogger? logger = null, string memoryLimit = "512MB", HealthConditions? health = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        this.logger = logger ?? NullLogger.Instance;
        Health = health ?? new HealthConditions();
        Data = directory;
        TelemetryRoot = directory.TelemetryDir;
        Directory.CreateDirectory(TelemetryRoot);
        Manifest = OpenManifest(directory, time ?? TimeProvider.System);
        Engine = new DuckDbEngine(memoryLimit, directory.SpillDir);
        flushWriter = new PartitionWriter(Engine, TelemetryRoot);
        compactionWriter = new PartitionWriter(Engine, TelemetryRoot);
        flushedUntil = Manifest.FlushedUntil();
        Logs = new LogStore(Manifest, Engine, TelemetryRoot);
        LogQueries = new LogQueryStore(Manifest, Engine, TelemetryRoot);
        GuardReads();
    }

    /// <summary>Where this store reports conditions that affect readiness (damaged files, an unreadable manifest).</summary>
    public HealthConditions Health { get; }

    /// <summary>The data directory the store lives in.</summary>
    public DataDirectory Data { get; }

    /// <summary>Root folder of the partitions.</summary>
    public string TelemetryRoot { get; }

    /// <summary>The file list.</summary>
    public Manifest Manifest { get; }

    /// <summary>The shared DuckDB engine (for readers of other signals).</summary>
    public DuckDbEngine Engine { get; }

    /// <summary>Log search.</summary>
    public LogStore Logs { get; }

    /// <summary>Planned log queries (LogQL-lite): pages with cursors, aggregations per time bucket, facet counts.</summary>
    public LogQueryStore LogQueries { get; }

    /// <summary>Every ingest log record before this address is already stored; a replay must skip them.</summary>
    public long FlushedUntil => Interlocked.Read(ref flushedUntil);

    /// <summary>
    /// Moves the rows collected in <paramref name="flush"/> so far into the flush writer's column buffers (flat arrays,
    /// not row objects) and empties its lists; <see cref="Flush"/> writes what was staged. Called by the normalizer after every
    /// batch, so pending rows do not pile up on the .NET heap (their garbage collection was most of ingestion's tail
    /// latency). Single-threaded, like <see cref="Flush"/>.
    /// </summary>
    /// <remarks>
    /// All of it or nothing: when staging throws, nothing of this call is staged and the rows stay listed in
    /// <paramref name="flush"/> (the caller may drop them with <see cref="PendingFlush.DropUnstaged"/>).
    /// </remarks>
    public void Stage(PendingFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        if (!flush.HasUnstaged)
        {
            return;
        }

        flushWriter.BeginStaging();
        try
        {
            StageAll(LogTable.Instance, flush.Logs);
            StageAll(MetricTable.Instance, flush.Metrics);
            StageAll(SpanTable.Instance, flush.Spans);
            StageAll(RumTable.Instance, flush.Rum);
            flushWriter.CommitStaging();
        }
        catch
        {
            flushWriter.RollbackStaging();
            throw;
        }

        flush.MarkStaged();
    }

    /// <summary>
    /// Whether rows can still be staged and read by DuckDB at all (a canary row, staged aside and read back through the
    /// staging table function). Tells a batch whose own data cannot be staged (quarantine it) from an engine that cannot
    /// take anything (retry later).
    /// </summary>
    public bool EngineAcceptsRows() => flushWriter.ProbeEngine(LogTable.Instance, new LogRecord
    {
        Timestamp = DateTime.UnixEpoch,
        ReceivedAt = DateTime.UnixEpoch,
        Service = "probe",
        Level = "info",
        Message = "probe",
        AttributesJson = "{}",
    });

    /// <summary>Forgets every staged row (the pipeline restarts and will read them from the ingest log again).</summary>
    public void DiscardStaged()
    {
        flushWriter.RollbackStaging();
        flushWriter.ReleaseStaged();
    }

    /// <summary>
    /// Writes one file per partition of <paramref name="flush"/> (staged and still listed rows), then lists them and
    /// moves the flushed position in one manifest transaction. Only after this returns may the ingest log be
    /// completed past the flush. When it throws, the staged rows stay and calling it again retries.
    /// </summary>
    public IReadOnlyList<ManifestFile> Flush(PendingFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        if (flush.IsEmpty)
        {
            return [];
        }

        Stage(flush);
        var files = new List<ManifestFile>();
        WriteAll(LogTable.Instance, flush.Logs, flush, files);
        WriteAll(MetricTable.Instance, flush.Metrics, flush, files);
        WriteAll(SpanTable.Instance, flush.Spans, flush, files);
        WriteAll(RumTable.Instance, flush.Rum, flush, files);
        Manifest.CommitFlush(files, flush.NextAddress);
        flushWriter.ReleaseStaged();
        Interlocked.Exchange(ref flushedUntil, Math.Max(flushedUntil, flush.NextAddress));
        return files;
    }

    /// <summary>
    /// Merges the fresh files of every partition holding at least <paramref name="minFiles"/> of them into one
    /// compacted file. Replaced files are deleted by <see cref="DeleteExpired"/> after <paramref name="grace"/>; a damaged
    /// input is moved aside and unlisted instead (<see cref="DamagedFiles"/>). Returns the number of partitions compacted.
    /// </summary>
    public int Compact(int minFiles, TimeSpan grace, CancellationToken cancellationToken)
    {
        int compacted = 0;
        foreach (var key in Manifest.PartitionsWithFiles(Fresh, minFiles))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inputs = Manifest.ListPartition(key, Fresh);
            if (inputs.Count < minFiles)
            {
                continue;
            }

            // A damaged input is moved aside like a damaged file a query meets (see ParquetFileGuard), and the rest
            // are merged: one bad file must not keep its partition from ever being compacted.
            var (merged, damaged) = damage.Read<ManifestFile?>(inputs, files => key.Signal switch
            {
                Signal.Logs => compactionWriter.Merge(LogTable.Instance, key, files),
                Signal.Metrics => compactionWriter.Merge(MetricTable.Instance, key, files),
                Signal.Traces => compactionWriter.Merge(SpanTable.Instance, key, files),
                _ => compactionWriter.Merge(RumTable.Instance, key, files),
            }, none: null, cancellationToken);
            if (merged is null)
            {
                continue;
            }

            var replaced = inputs.Where(f => !damaged.Any(d => d.Path == f.Path)).ToList();
            Manifest.ReplaceFiles(replaced, merged, DateTime.UtcNow + grace);
            logger.LogInformation("Compacted {Count} files of {Partition} into {File} ({Rows} rows)", replaced.Count, key.RelativeFolder, merged.Path, merged.Rows);
            compacted++;
        }

        return compacted;
    }

    /// <summary>
    /// Applies an org's retention: partitions whose whole day lies more than <paramref name="retentionDays"/> days
    /// before <paramref name="now"/> stop being queryable at once and are deleted from disk after
    /// <paramref name="grace"/> (by <see cref="DeleteExpired"/>). Returns the files and rows removed.
    /// </summary>
    public (int Files, long Rows) ApplyRetention(int orgId, int retentionDays, DateTime now, TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retentionDays, 1);
        var firstKeptDay = DateOnly.FromDateTime(now.AddDays(-retentionDays));
        var expired = Manifest.ExpireBefore(orgId, firstKeptDay, now + grace);
        if (expired.Files > 0)
        {
            logger.LogInformation(
                "Retention of org {OrgId} ({Days} days): {Files} files with {Rows} rows before {Day} are no longer kept",
                orgId, retentionDays, expired.Files, expired.Rows, firstKeptDay);
        }

        return expired;
    }

    /// <summary>Deletes files replaced by compaction whose grace period is over. Returns how many were deleted.</summary>
    public int DeleteExpired(DateTime now)
    {
        int deleted = 0;
        foreach (string path in Manifest.DoomedBefore(now))
        {
            try
            {
                File.Delete(Path.Combine(TelemetryRoot, path));
                Manifest.ForgetDoomed(path);
                deleted++;
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Could not delete replaced file {Path}; will retry", path);
            }
        }

        return deleted;
    }

    private void StageAll<T>(ITableSchema<T> schema, Dictionary<PartitionKey, List<T>> partitions)
        where T : TelemetryRow
    {
        foreach (var (key, rows) in partitions)
        {
            if (rows.Count > 0)
            {
                flushWriter.Stage(schema, key, rows);
            }
        }
    }

    private void WriteAll<T>(ITableSchema<T> schema, Dictionary<PartitionKey, List<T>> partitions, PendingFlush flush, List<ManifestFile> files)
        where T : TelemetryRow
    {
        foreach (var key in partitions.Keys)
        {
            if (flushWriter.HasStaged(key))
            {
                files.Add(flushWriter.WriteStaged(schema, key, flush.FirstAddress, flush.NextAddress));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        flushWriter.Dispose();
        compactionWriter.Dispose();
        Engine.Dispose();
    }
}

using System.Globalization;
using AegisGuard.Storage.Files;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Sqlite;
using AegisGuard.Storage.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Start-up recovery of the file list: a missing or damaged manifest.db is rebuilt from the Parquet files (never a
/// reason to delete them), and files no manifest row lists are either leftovers of a flush that had not committed
/// (deleted: the ingest log still holds their records and the replay writes them again) or moved to the quarantine.
/// </summary>
public sealed partial class TelemetryStore
{
    /// <summary>Health board component of a manifest that was rebuilt at start-up.</summary>
    public const string ManifestComponent = "manifest";

    /// <summary>Health board component of unlisted Parquet files moved to the quarantine.</summary>
    public const string UnlistedFilesComponent = "storage.unlisted-files";

    /// <summary>
    /// Why the manifest must be rebuilt from the files before the pipeline starts (it was missing or damaged, and the
    /// damaged one was moved aside), or null when it is sound. Set when the store opens; cleared by <see cref="RebuildManifest"/>.
    /// </summary>
    public string? ManifestRebuildReason { get; private set; }

    /// <summary>
    /// Rebuilds manifest.db from the files under <c>data/telemetry</c> (rows and time span read with DuckDB; the rules are
    /// in <see cref="ManifestRebuildPlan"/>) for an ingest log whose reader resumes at <paramref name="replayFrom"/> and
    /// ends at <paramref name="logTail"/>. Files it cannot list are moved to <c>data/quarantine/files</c>; none is
    /// deleted. Reports a Warning on the health board and logs it. Run at start-up, before the pipeline.
    /// </summary>
    public ManifestRebuild RebuildManifest(long replayFrom, long logTail, DateTime now)
    {
        string reason = ManifestRebuildReason ?? "manifest.db was rebuilt on request";
        var scanned = ScanParquetFiles();
        var plan = ManifestRebuildPlan.Make(scanned, replayFrom, logTail);
        foreach (var (path, why) in plan.Quarantined)
        {
            MoveToQuarantine(path, why);
        }

        Manifest.Rebuild(plan.Listed, plan.Doomed, plan.FlushedUntil, now);
        Interlocked.Exchange(ref flushedUntil, plan.FlushedUntil);
        ManifestRebuildReason = null;

        var result = new ManifestRebuild(reason, plan.Listed.Count, plan.Listed.Sum(f => f.Rows), plan.Doomed.Count, plan.Replayed.Count,
            plan.Quarantined.Count, plan.FlushedUntil);
        string when = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Health.Report(ManifestComponent, HealthImpact.Warning,
            $"{reason}; rebuilt from {result.FilesListed} files ({result.RowsListed} rows) at {when} UTC" +
            (result.FilesDoomed > 0 ? $", {result.FilesDoomed} files already merged into compacted ones scheduled for deletion" : string.Empty) +
            (result.FilesReplayed > 0 ? $", {result.FilesReplayed} files left to the ingest log's replay" : string.Empty) +
            (result.FilesQuarantined > 0 ? $", {result.FilesQuarantined} files moved to quarantine/files (see the log)" : string.Empty) +
            ". Queries answer from the rebuilt list. Check that the stored totals look right; if a backup of manifest.db taken " +
            "together with telemetry/ and ingest/ exists, it can be restored instead (stop the appliance first).");
        logger.LogWarning(
            "{Reason}; rebuilt manifest.db from {Files} Parquet files ({Rows} rows): {Doomed} merged files scheduled for deletion, " +
            "{Replayed} left to the ingest log replay, {Quarantined} quarantined; flushed position {Flushed}",
            reason, result.FilesListed, result.RowsListed, result.FilesDoomed, result.FilesReplayed, result.FilesQuarantined, result.FlushedUntil);
        return result;
    }

    /// <summary>
    /// Cleans up Parquet and temp files that no manifest row lists, at start-up before the pipeline. Deleted: temp files
    /// (an interrupted write), fresh files of a flush that had not committed (their range starts at or beyond the flushed
    /// position and the ingest log, ending at <paramref name="logTail"/>, still holds it: the replay writes them again) and
    /// compacted files of an interrupted compaction whose inputs are all still listed. Every other unlisted Parquet file
    /// is moved to <c>data/quarantine/files/&lt;relative path&gt;</c> with a Warning on the health board — never deleted.
    /// </summary>
    public OrphanCleanup RemoveOrphans(long logTail)
    {
        var known = Manifest.KnownPaths();
        long flushed = FlushedUntil;
        int deleted = 0;
        var quarantined = new List<string>();
        foreach (string file in Directory.EnumerateFiles(TelemetryRoot, "*", SearchOption.AllDirectories).ToList())
        {
            string relative = Path.GetRelativePath(TelemetryRoot, file).Replace('\\', '/');
            if (file.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(file);
                deleted++;
                continue;
            }

            if (!file.EndsWith(".parquet", StringComparison.Ordinal) || known.Contains(relative))
            {
                continue;
            }

            var name = ParquetFileName.TryParse(relative);
            string? reason = name switch
            {
                null => "not a file name the appliance writes",
                { Compacted: false } when name.FirstAddress >= flushed && name.NextAddress <= logTail => null,
                { Compacted: false } when name.FirstAddress >= flushed =>
                    $"its range ends at {name.NextAddress}, beyond the end of the ingest log ({logTail}): the log cannot write it again",
                { Compacted: false } => $"its range starts before the flushed position {flushed}, so it is no leftover of an interrupted flush",
                _ => InterruptedCompaction(name, file) ? null : "a compacted file whose inputs are not all listed",
            };
            if (reason is null)
            {
                File.Delete(file);
                deleted++;
            }
            else
            {
                MoveToQuarantine(relative, $"not listed in manifest.db: {reason}");
                quarantined.Add(relative);
            }
        }

        if (deleted > 0)
        {
            logger.LogInformation("Removed {Count} unlisted files left by an interrupted flush or compaction", deleted);
        }

        if (quarantined.Count > 0)
        {
            Health.Report(UnlistedFilesComponent, HealthImpact.Warning,
                $"{quarantined.Count} Parquet files under telemetry/ were listed nowhere in manifest.db and are no leftovers of an " +
                $"interrupted flush (e.g. {string.Join(", ", quarantined.Take(3))}); they were moved to quarantine/files/ and their rows " +
                "are not queryable. If they belong to this appliance (e.g. restored from a backup), stop it, move them back under " +
                "telemetry/ and move manifest.db aside: the next start rebuilds the list from the files.");
        }

        return new OrphanCleanup(deleted, quarantined.Count);
    }

    /// <summary>
    /// Opens manifest.db, first moving a damaged one aside (with its WAL) as <c>manifest.db.damaged-&lt;time&gt;</c>, and
    /// notes in <see cref="ManifestRebuildReason"/> when the list must be rebuilt from the files.
    /// </summary>
    private Manifest OpenManifest(DataDirectory directory, TimeProvider time)
    {
        string path = directory.ManifestDb;
        string? reason = null;
        if (File.Exists(path))
        {
            string? damage = SqliteDatabase.FindDamage(path);
            if (damage is not null)
            {
                reason = $"manifest.db was damaged (SQLite: {damage.TrimEnd('.')}); it was moved aside as {MoveAside(path, time)}";
            }
        }
        else if (File.Exists(path + "-wal") || File.Exists(path + "-shm"))
        {
            // SQLite would apply a WAL left behind by the lost file to the new, empty one.
            MoveAside(path, time);
        }

        Manifest manifest;
        try
        {
            manifest = new Manifest(path);
        }
        catch (SqliteException ex) when (SqliteDatabase.IsDamage(ex) && reason is null)
        {
            SqliteConnection.ClearAllPools();
            reason = $"manifest.db was damaged (SQLite: {ex.Message.TrimEnd('.')}); it was moved aside as {MoveAside(path, time)}";
            manifest = new Manifest(path);
        }

        if (reason is null && !manifest.HasFlushedPosition() &&
            Directory.EnumerateFiles(TelemetryRoot, "*.parquet", SearchOption.AllDirectories).Any())
        {
            reason = "manifest.db was missing (or listed nothing although telemetry/ holds Parquet files)";
        }

        ManifestRebuildReason = reason;
        return manifest;
    }

    /// <summary>Renames the database and its WAL files to <c>&lt;name&gt;.damaged-&lt;time&gt;</c>; returns the new name of the main file.</summary>
    private static string MoveAside(string path, TimeProvider time)
    {
        string suffix = ".damaged-" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (string part in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(part))
            {
                File.Move(part, part + suffix, overwrite: false);
            }
        }

        DirectorySync.Sync(Path.GetDirectoryName(path)!);
        return Path.GetFileName(path) + suffix;
    }

    /// <summary>Reads every Parquet file under the telemetry root: name, rows, time span, org (for the rebuild).</summary>
    private List<ScannedParquetFile> ScanParquetFiles()
    {
        var files = new List<ScannedParquetFile>();
        using var connection = Engine.OpenConnection();
        foreach (string file in Directory.EnumerateFiles(TelemetryRoot, "*.parquet", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(TelemetryRoot, file).Replace('\\', '/');
            var name = ParquetFileName.TryParse(relative);
            if (name is null)
            {
                files.Add(ScannedParquetFile.Unusable(relative, null, "not a file name the appliance writes"));
                continue;
            }

            string time = name.Partition.Signal == Signal.Traces ? "start_ts" : "ts";
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*), min({time}), max({time}), min(org_id), max(org_id) FROM read_parquet({PartitionWriter.SqlLiteral(file)})";
                using var reader = command.ExecuteReader();
                reader.Read();
                long rows = reader.GetInt64(0);
                if (rows == 0 || reader.IsDBNull(1))
                {
                    files.Add(ScannedParquetFile.Unusable(relative, name, "it holds no rows"));
                }
                else if (reader.GetInt32(3) != name.Partition.OrgId || reader.GetInt32(4) != name.Partition.OrgId)
                {
                    files.Add(ScannedParquetFile.Unusable(relative, name,
                        $"it holds rows of org {reader.GetInt32(3)}..{reader.GetInt32(4)} in the folder of org {name.Partition.OrgId}"));
                }
                else
                {
                    files.Add(new ScannedParquetFile(relative, name, rows, reader.GetDateTime(1), reader.GetDateTime(2), new FileInfo(file).Length, null));
                }
            }
            catch (Exception ex) when (ex is DuckDB.NET.Data.DuckDBException or InvalidCastException)
            {
                files.Add(ScannedParquetFile.Unusable(relative, name, $"DuckDB cannot read it: {ex.Message}"));
            }
        }

        return files;
    }

    /// <summary>
    /// True when the unlisted compacted file <paramref name="name"/> merely repeats rows that listed fresh files of its
    /// partition hold (a compaction that crashed before it swapped the manifest rows): same range, same row count.
    /// </summary>
    private bool InterruptedCompaction(ParquetFileName name, string file)
    {
        var inputs = Manifest.ListPartition(name.Partition, Fresh).Where(f => f.FirstAddress >= name.FirstAddress && f.NextAddress <= name.NextAddress).ToList();
        if (inputs.Count == 0 || inputs.Min(f => f.FirstAddress) != name.FirstAddress || inputs.Max(f => f.NextAddress) != name.NextAddress)
        {
            return false;
        }

        try
        {
            using var connection = Engine.OpenConnection();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM read_parquet({PartitionWriter.SqlLiteral(file)})";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == inputs.Sum(f => f.Rows);
        }
        catch (DuckDB.NET.Data.DuckDBException)
        {
            return false;
        }
    }

    /// <summary>Moves <paramref name="relative"/> (under the telemetry root) to <c>quarantine/files/&lt;relative&gt;</c>, never over another file.</summary>
    private void MoveToQuarantine(string relative, string reason)
    {
        string source = Path.Combine(TelemetryRoot, relative);
        string target = Path.Combine(Data.QuarantineDir, "files", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            target += "." + Guid.NewGuid().ToString("N")[..8];
        }

        File.Move(source, target);
        DirectorySync.Sync(Path.GetDirectoryName(target)!);
        DirectorySync.Sync(Path.GetDirectoryName(source)!);
        logger.LogWarning("Moved {File} to {Quarantine}: {Reason}", "telemetry/" + relative, target, reason);
    }
}

using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;
using Microsoft.Data.Sqlite;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// A lost or damaged manifest.db is rebuilt from the Parquet files: the rules that decide what is listed, merged,
/// replayed or quarantined (pure, on file names and row counts), then the same on real files through DuckDB, and the
/// start-up cleanup of unlisted files (only leftovers of an interrupted flush or compaction are deleted).
/// </summary>
public sealed class ManifestRebuildTests
{
    private const string Partition = "logs/org=1/day=2026-11-20";
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int[] Orgs = [1, 2];

    [Fact]
    public void Fresh_files_inside_a_compacted_file_of_their_partition_are_doomed_not_listed_twice()
    {
        var plan = Plan(replayFrom: 500, logTail: 500,
            Scanned($"{Partition}/c00000000000100-00000000000300.parquet", rows: 30),
            Scanned($"{Partition}/00000000000100-00000000000200.parquet", rows: 10),
            Scanned($"{Partition}/00000000000200-00000000000300.parquet", rows: 20),
            Scanned("logs/org=2/day=2026-11-20/00000000000100-00000000000200.parquet", rows: 5), // another partition: not merged
            Scanned($"{Partition}/00000000000300-00000000000400.parquet", rows: 7));

        Assert.Equal(
            [$"{Partition}/00000000000300-00000000000400.parquet", $"{Partition}/c00000000000100-00000000000300.parquet", "logs/org=2/day=2026-11-20/00000000000100-00000000000200.parquet"],
            plan.Listed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal([$"{Partition}/00000000000100-00000000000200.parquet", $"{Partition}/00000000000200-00000000000300.parquet"], plan.Doomed.Order(StringComparer.Ordinal));
        Assert.Equal(42, plan.Listed.Sum(f => f.Rows));
        Assert.Equal("compacted", plan.Listed.Single(f => f.Path.Contains("/c", StringComparison.Ordinal)).Level);
        Assert.Empty(plan.Quarantined);
    }

    [Fact]
    public void Files_the_ingest_log_still_holds_are_left_to_the_replay_and_the_flushed_position_is_where_it_starts()
    {
        var plan = Plan(replayFrom: 300, logTail: 500,
            Scanned($"{Partition}/00000000000100-00000000000200.parquet"), // truncated from the log: the only copy
            Scanned($"{Partition}/00000000000200-00000000000300.parquet"),
            Scanned($"{Partition}/00000000000300-00000000000400.parquet"), // the log still holds 300..500
            Scanned("traces/org=1/day=2026-11-20/00000000000300-00000000000500.parquet"));

        Assert.Equal([$"{Partition}/00000000000100-00000000000200.parquet", $"{Partition}/00000000000200-00000000000300.parquet"], plan.Listed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal([$"{Partition}/00000000000300-00000000000400.parquet", "traces/org=1/day=2026-11-20/00000000000300-00000000000500.parquet"], plan.Replayed.Order(StringComparer.Ordinal));
        Assert.Equal(300, plan.FlushedUntil);
    }

    [Fact]
    public void A_compacted_file_beyond_the_readers_position_moves_the_replay_boundary_past_it()
    {
        // The manifest had committed flushes up to 400 (compaction merged them) but the reader's completion of them was
        // lost: everything before 400 is stored, so files there are listed, and the replay must skip it.
        var plan = Plan(replayFrom: 200, logTail: 600,
            Scanned($"{Partition}/c00000000000100-00000000000400.parquet", rows: 30),
            Scanned("logs/org=2/day=2026-11-20/00000000000300-00000000000400.parquet"),
            Scanned("logs/org=2/day=2026-11-20/00000000000400-00000000000500.parquet"));

        Assert.Equal([$"{Partition}/c00000000000100-00000000000400.parquet", "logs/org=2/day=2026-11-20/00000000000300-00000000000400.parquet"], plan.Listed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["logs/org=2/day=2026-11-20/00000000000400-00000000000500.parquet"], plan.Replayed);
        Assert.Equal(400, plan.FlushedUntil);
    }

    [Fact]
    public void Fresh_files_beyond_the_end_of_the_log_are_listed_as_the_only_copy_and_the_flushed_position_says_so()
    {
        // A log that lost its tail cannot write these again: list them, and let start-up refuse on a log behind the manifest.
        var plan = Plan(replayFrom: 64, logTail: 64,
            Scanned($"{Partition}/00000000000100-00000000000200.parquet"),
            Scanned($"{Partition}/00000000000200-00000000000300.parquet"));

        Assert.Equal(2, plan.Listed.Count);
        Assert.Empty(plan.Replayed);
        Assert.Equal(300, plan.FlushedUntil);
    }

    [Fact]
    public void Unreadable_misnamed_and_foreign_files_are_quarantined_never_listed()
    {
        var plan = Plan(replayFrom: 500, logTail: 500,
            ScannedParquetFile.Unusable($"{Partition}/00000000000100-00000000000200.parquet", ParquetFileName.TryParse($"{Partition}/00000000000100-00000000000200.parquet"), "DuckDB cannot read it"),
            ScannedParquetFile.Unusable("logs/stray.parquet", null, "not a file name the appliance writes"),
            Scanned($"{Partition}/00000000000200-00000000000300.parquet"));

        Assert.Equal([$"{Partition}/00000000000200-00000000000300.parquet"], plan.Listed.Select(f => f.Path));
        Assert.Equal([$"{Partition}/00000000000100-00000000000200.parquet", "logs/stray.parquet"], plan.Quarantined.Select(q => q.Path).Order(StringComparer.Ordinal));
        Assert.Contains(plan.Quarantined, q => q.Reason == "DuckDB cannot read it");
    }

    [Fact]
    public void A_fresh_file_inside_a_longer_fresh_file_is_the_leftover_of_a_redone_flush_and_is_quarantined()
    {
        var plan = Plan(replayFrom: 500, logTail: 500,
            Scanned($"{Partition}/00000000000100-00000000000200.parquet", rows: 4), // crashed before its commit...
            Scanned($"{Partition}/00000000000100-00000000000300.parquet", rows: 9)); // ...and the replay flushed a longer range

        Assert.Equal([$"{Partition}/00000000000100-00000000000300.parquet"], plan.Listed.Select(f => f.Path));
        var (path, reason) = Assert.Single(plan.Quarantined);
        Assert.Equal($"{Partition}/00000000000100-00000000000200.parquet", path);
        Assert.Contains("00000000000100-00000000000300.parquet", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fresh_files_holding_more_rows_than_the_compacted_file_around_them_are_quarantined_not_doomed()
    {
        var plan = Plan(replayFrom: 500, logTail: 500,
            Scanned($"{Partition}/c00000000000100-00000000000300.parquet", rows: 10),
            Scanned($"{Partition}/00000000000100-00000000000200.parquet", rows: 8),
            Scanned($"{Partition}/00000000000200-00000000000300.parquet", rows: 8));

        Assert.Empty(plan.Doomed);
        Assert.Equal(2, plan.Quarantined.Count);
        Assert.Equal([$"{Partition}/c00000000000100-00000000000300.parquet"], plan.Listed.Select(f => f.Path));
    }

    [Fact]
    public async Task A_deleted_manifest_is_rebuilt_with_the_same_rows_time_spans_ranges_and_flushed_position()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        List<ManifestFile> before;
        long flushed;
        using (var store = new TelemetryStore(data))
        {
            WriteFlushes(store, orgId: 1, flushes: 6);
            WriteFlushes(store, orgId: 2, flushes: 2, firstAddress: 1000);
            store.Compact(minFiles: 4, grace: TimeSpan.FromHours(1), CancellationToken.None); // org 1's six are merged, still on disk
            before = AllFiles(store);
            flushed = store.FlushedUntil;
        }

        DeleteManifest(dir.Path);
        var health = new HealthConditions();
        using var rebuilt = new TelemetryStore(data, health: health);
        Assert.NotNull(rebuilt.ManifestRebuildReason);

        var result = rebuilt.RebuildManifest(replayFrom: flushed, logTail: flushed, Day.AddDays(1));

        Assert.Equal(Describe(before), Describe(AllFiles(rebuilt)));
        Assert.Equal(flushed, rebuilt.FlushedUntil);
        Assert.Equal(flushed, rebuilt.Manifest.FlushedUntil());
        Assert.Equal(6, result.FilesDoomed);
        Assert.Equal(new ManifestRebuild("manifest.db was missing (or listed nothing although telemetry/ holds Parquet files)", 3, 80, 6, 0, 0, flushed), result);
        Assert.Equal(60, (await Search(rebuilt, 1)).Count);
        Assert.Equal(20, (await Search(rebuilt, 2)).Count);
        var warning = health.Find(TelemetryStore.ManifestComponent);
        Assert.Equal(HealthImpact.Warning, warning?.Impact);
        Assert.Contains("rebuilt from 3 files (80 rows)", warning!.Reason, StringComparison.Ordinal);
        Assert.Null(rebuilt.ManifestRebuildReason);

        // The merged inputs go the way compaction would have sent them; the rebuilt list stays as it is.
        Assert.Equal(6, rebuilt.DeleteExpired(Day.AddDays(1)));
        Assert.Equal(60, (await Search(rebuilt, 1)).Count);
    }

    [Fact]
    public void A_garbage_manifest_is_moved_aside_with_its_bytes_and_the_store_says_it_needs_a_rebuild()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        using (var store = new TelemetryStore(data))
        {
            WriteFlushes(store, orgId: 1, flushes: 2);
        }

        SqliteConnection.ClearAllPools();
        byte[] garbage = [.. Enumerable.Repeat((byte)0x5A, 4096)];
        File.WriteAllBytes(data.ManifestDb, garbage);
        File.Delete(data.ManifestDb + "-wal");

        using var reopened = new TelemetryStore(data);

        Assert.StartsWith("manifest.db was damaged (SQLite: ", reopened.ManifestRebuildReason, StringComparison.Ordinal);
        string aside = Assert.Single(Directory.GetFiles(dir.Path, "manifest.db.damaged-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
        Assert.Contains(Path.GetFileName(aside), reopened.ManifestRebuildReason, StringComparison.Ordinal);
        var result = reopened.RebuildManifest(replayFrom: 10_000, logTail: 10_000, Day);
        Assert.Equal(2, result.FilesListed);
    }

    [Fact]
    public void A_rebuild_interrupted_before_its_commit_is_needed_again_at_the_next_open()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        using (var store = new TelemetryStore(data))
        {
            WriteFlushes(store, orgId: 1, flushes: 2);
        }

        DeleteManifest(dir.Path);
        using (var crashed = new TelemetryStore(data))
        {
            Assert.NotNull(crashed.ManifestRebuildReason); // and the process dies before RebuildManifest commits
        }

        using var reopened = new TelemetryStore(data);
        Assert.NotNull(reopened.ManifestRebuildReason);
    }

    [Fact]
    public async Task The_rebuild_quarantines_an_unreadable_file_and_a_file_in_another_orgs_folder_and_lists_the_rest()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        long flushed;
        string good;
        using (var store = new TelemetryStore(data))
        {
            WriteFlushes(store, orgId: 1, flushes: 2);
            flushed = store.FlushedUntil;
            good = AllFiles(store)[0].Path;
        }

        DeleteManifest(dir.Path);
        string root = data.TelemetryDir;
        await File.WriteAllTextAsync(Path.Combine(root, Partition, "00000000000010-00000000000020.parquet"), "not parquet at all");
        Directory.CreateDirectory(Path.Combine(root, "logs/org=2/day=2026-11-20"));
        File.Copy(Path.Combine(root, good), Path.Combine(root, "logs/org=2/day=2026-11-20/00000000000030-00000000000040.parquet"));
        var health = new HealthConditions();
        using var rebuilt = new TelemetryStore(data, health: health);

        var result = rebuilt.RebuildManifest(flushed, flushed, Day);

        Assert.Equal(2, result.FilesListed);
        Assert.Equal(2, result.FilesQuarantined);
        Assert.True(File.Exists(Path.Combine(data.QuarantineDir, "files", Partition, "00000000000010-00000000000020.parquet")));
        Assert.True(File.Exists(Path.Combine(data.QuarantineDir, "files", "logs/org=2/day=2026-11-20/00000000000030-00000000000040.parquet")));
        Assert.Empty(await Search(rebuilt, 2)); // org 1's rows in org 2's folder never become org 2's
        Assert.Contains("2 files moved to quarantine/files", health.Find(TelemetryStore.ManifestComponent)!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unlisted_files_below_the_flushed_position_or_beyond_the_log_are_quarantined_and_flush_leftovers_deleted()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        var health = new HealthConditions();
        using var store = new TelemetryStore(data, health: health);
        WriteFlushes(store, orgId: 1, flushes: 2); // flushed until 264
        string listed = Path.Combine(data.TelemetryDir, AllFiles(store)[0].Path);
        string folder = Path.GetDirectoryName(listed)!;
        string restored = Path.Combine(folder, "00000000000010-00000000000020.parquet"); // e.g. copied back from a backup
        string leftover = Path.Combine(folder, "00000000000264-00000000000300.parquet"); // a flush that had not committed
        string beyondLog = Path.Combine(folder, "00000000000300-00000000000900.parquet"); // the log (tail 400) cannot write it again
        foreach (string file in new[] { restored, leftover, beyondLog })
        {
            File.Copy(listed, file);
        }

        var cleanup = store.RemoveOrphans(logTail: 400);

        Assert.Equal(new OrphanCleanup(Deleted: 1, Quarantined: 2), cleanup);
        Assert.False(File.Exists(leftover));
        Assert.False(File.Exists(restored));
        Assert.False(File.Exists(beyondLog));
        Assert.True(File.Exists(Path.Combine(data.QuarantineDir, "files", Partition, "00000000000010-00000000000020.parquet")));
        Assert.True(File.Exists(Path.Combine(data.QuarantineDir, "files", Partition, "00000000000300-00000000000900.parquet")));
        var warning = health.Find(TelemetryStore.UnlistedFilesComponent);
        Assert.Equal(HealthImpact.Warning, warning?.Impact);
        Assert.Contains("2 Parquet files", warning!.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(listed));
    }

    [Fact]
    public void A_compacted_file_of_an_interrupted_compaction_is_deleted_only_when_it_repeats_its_listed_inputs()
    {
        using var dir = new TempDirectory();
        var data = new DataDirectory(dir.Path);
        using var store = new TelemetryStore(data);
        WriteFlushes(store, orgId: 1, flushes: 3); // 64..364, 10 rows each, still listed as fresh
        string folder = Path.Combine(data.TelemetryDir, Partition);
        string first = Path.Combine(data.TelemetryDir, AllFiles(store)[0].Path);
        string repeat = Path.Combine(folder, "c00000000000064-00000000000364.parquet");
        string other = Path.Combine(folder, "c00000000000064-00000000000264.parquet");
        MergeInto(store, repeat, Directory.GetFiles(folder, "0*.parquet"));
        File.Copy(first, other); // 10 rows where the listed inputs of 64..264 hold 20

        var cleanup = store.RemoveOrphans(logTail: 364);

        Assert.Equal(new OrphanCleanup(Deleted: 1, Quarantined: 1), cleanup);
        Assert.False(File.Exists(repeat));
        Assert.True(File.Exists(Path.Combine(data.QuarantineDir, "files", Partition, "c00000000000064-00000000000264.parquet")));
        Assert.Equal(3, AllFiles(store).Count);
    }

    private static ManifestRebuildPlan Plan(long replayFrom, long logTail, params ScannedParquetFile[] files) =>
        ManifestRebuildPlan.Make(files, replayFrom, logTail);

    private static ScannedParquetFile Scanned(string path, long rows = 10) =>
        new(path, ParquetFileName.TryParse(path) ?? throw new ArgumentException(path), rows, Day, Day.AddHours(1), 1000, null);

    /// <summary>Flushes of 10 rows each over consecutive ranges of 100 addresses.</summary>
    private static void WriteFlushes(TelemetryStore store, int orgId, int flushes, long firstAddress = 64)
    {
        for (int i = 0; i < flushes; i++)
        {
            long first = firstAddress + (i * 100);
            var flush = new PendingFlush();
            flush.Cover(first, first + 100);
            for (int row = 0; row < 10; row++)
            {
                flush.Add(orgId, new LogRecord
                {
                    Timestamp = Day.AddMinutes(i).AddSeconds(row),
                    ReceivedAt = Day,
                    Service = "api",
                    Level = "info",
                    Message = $"flush {i} row {row}",
                    AttributesJson = "{}",
                    SourceAddress = first,
                    SourceIndex = row,
                });
            }

            store.Flush(flush);
        }
    }

    private static void MergeInto(TelemetryStore store, string target, string[] inputs)
    {
        using var connection = store.Engine.OpenConnection();
        using var command = connection.CreateCommand();
        string list = string.Join(", ", inputs.Select(f => $"'{f}'"));
        command.CommandText = $"COPY (SELECT * FROM read_parquet([{list}])) TO '{target}' (FORMAT parquet)";
        command.ExecuteNonQuery();
    }

    private static List<ManifestFile> AllFiles(TelemetryStore store) =>
        [.. Orgs.SelectMany(org => store.Manifest.ListFiles(Signal.Logs, org, DateTime.MinValue.AddYears(2000), DateTime.MaxValue.AddYears(-1))).OrderBy(f => f.Path, StringComparer.Ordinal)];

    private static List<string> Describe(List<ManifestFile> files) =>
        [.. files.Select(f => $"{f.Path} {f.Signal} {f.OrgId} {f.Day} {f.MinTimestamp:O} {f.MaxTimestamp:O} {f.Rows} {f.Bytes} {f.FirstAddress} {f.NextAddress} {f.Level}")];

    private static void DeleteManifest(string dataDir)
    {
        SqliteConnection.ClearAllPools(); // a pooled connection would still see the deleted file
        foreach (string part in new[] { "manifest.db", "manifest.db-wal", "manifest.db-shm" })
        {
            File.Delete(Path.Combine(dataDir, part));
        }
    }

    private static Task<IReadOnlyList<LogRecord>> Search(TelemetryStore store, int orgId) =>
        store.Logs.SearchAsync(new LogQuery { OrgId = orgId, From = Day.AddDays(-1), To = Day.AddDays(2), Limit = 10_000 }, CancellationToken.None);
}

using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Tests.Storage;

/// <summary>Parquet partitions and the manifest: flush, replay, isolation, compaction, orphans.</summary>
public sealed class TelemetryStoreTests
{
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_flush_writes_one_parquet_file_per_partition_named_after_its_log_range()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(100, 200);
        AddLogs(flush, orgId: 1, count: 3, Day.AddHours(1), source: 100);
        AddLogs(flush, orgId: 1, count: 2, Day.AddDays(1).AddHours(1), source: 100);
        AddLogs(flush, orgId: 2, count: 4, Day.AddHours(2), source: 100);

        var files = store.Flush(flush);

        Assert.Equal(
            ["logs/org=1/day=2026-11-20/00000000000100-00000000000200.parquet", "logs/org=1/day=2026-11-21/00000000000100-00000000000200.parquet", "logs/org=2/day=2026-11-20/00000000000100-00000000000200.parquet"],
            files.Select(f => f.Path).Order());
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(store.TelemetryRoot, f.Path))));
        Assert.Equal(200, store.FlushedUntil);
        Assert.Equal(9, store.Manifest.Totals(Signal.Logs).Rows);
        Assert.Equal(3, (await Search(store, 1, Day, Day.AddDays(1))).Count);
        Assert.Equal(4, (await Search(store, 2, Day, Day.AddDays(2))).Count);
    }

    [Fact]
    public async Task Replaying_a_flush_after_a_crash_rewrites_the_same_file_and_duplicates_nothing()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var flush = new PendingFlush();
            flush.Cover(64, 500);
            AddLogs(flush, orgId: 1, count: 5, Day.AddHours(3), source: 64);
            store.Flush(flush);
        }

        Assert.Equal(5, store.Manifest.Totals(Signal.Logs).Rows);
        Assert.Single(Directory.EnumerateFiles(store.TelemetryRoot, "*.parquet", SearchOption.AllDirectories));
        Assert.Equal(5, (await Search(store, 1, Day, Day.AddDays(1))).Count);
    }

    [Fact]
    public void The_flushed_position_survives_a_restart()
    {
        using var dir = new TempDirectory();
        using (var store = new TelemetryStore(new DataDirectory(dir.Path)))
        {
            var flush = new PendingFlush();
            flush.Cover(64, 4096);
            AddLogs(flush, 1, 1, Day, 64);
            store.Flush(flush);
        }

        using var reopened = new TelemetryStore(new DataDirectory(dir.Path));
        Assert.Equal(4096, reopened.FlushedUntil);
    }

    [Fact]
    public async Task Unlisted_files_left_by_an_interrupted_flush_are_removed_and_listed_ones_kept()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        AddLogs(flush, 1, 2, Day, 64);
        var listed = store.Flush(flush).Single();
        string folder = Path.GetDirectoryName(Path.Combine(store.TelemetryRoot, listed.Path))!;
        string orphan = Path.Combine(folder, "00000000000128-00000000000256.parquet");
        string temp = Path.Combine(folder, ".00000000000128-00000000000256.parquet.tmp");
        File.Copy(Path.Combine(store.TelemetryRoot, listed.Path), orphan);
        await File.WriteAllTextAsync(temp, "half a file");

        Assert.Equal(new OrphanCleanup(Deleted: 2, Quarantined: 0), store.RemoveOrphans(logTail: 1024));
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(Path.Combine(store.TelemetryRoot, listed.Path)));
    }

    [Fact]
    public async Task Compaction_merges_small_files_without_losing_or_doubling_rows_and_deletes_inputs_after_the_grace_period()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        long address = 64;
        for (int i = 0; i < 6; i++)
        {
            var flush = new PendingFlush();
            flush.Cover(address, address + 100);
            AddLogs(flush, 1, 10, Day.AddMinutes(i), address);
            store.Flush(flush);
            address += 100;
        }

        var before = await Search(store, 1, Day, Day.AddDays(1));
        int compacted = store.Compact(minFiles: 4, grace: TimeSpan.Zero, CancellationToken.None);
        var after = await Search(store, 1, Day, Day.AddDays(1));

        Assert.Equal(1, compacted);
        Assert.Equal(60, after.Count);
        Assert.Equal(before.Select(r => (r.SourceAddress, r.SourceIndex)).Order(), after.Select(r => (r.SourceAddress, r.SourceIndex)).Order());
        var files = store.Manifest.ListFiles(Signal.Logs, 1, Day, Day.AddDays(1));
        var merged = Assert.Single(files);
        Assert.Equal("compacted", merged.Level);
        Assert.Equal(64, merged.FirstAddress);
        Assert.Equal(664, merged.NextAddress);

        Assert.Equal(6, store.DeleteExpired(DateTime.UtcNow.AddSeconds(1)));
        Assert.Single(Directory.EnumerateFiles(store.TelemetryRoot, "*.parquet", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Rows_staged_batch_by_batch_are_written_once_even_when_a_flush_fails_and_is_retried()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        AddLogs(flush, orgId: 1, count: 3, Day, source: 64);
        store.Stage(flush);
        flush.Cover(128, 192);
        AddLogs(flush, orgId: 1, count: 2, Day.AddHours(1), source: 128);
        store.Stage(flush);
        AddLogs(flush, orgId: 1, count: 1, Day.AddHours(2), source: 160); // not staged yet: the flush stages it

        // A file where the partition folder belongs: the flush fails after everything was staged.
        Directory.CreateDirectory(Path.Combine(store.TelemetryRoot, "logs"));
        string blocker = Path.Combine(store.TelemetryRoot, "logs", "org=1");
        await File.WriteAllTextAsync(blocker, "in the way");
        Assert.ThrowsAny<IOException>(() => store.Flush(flush));
        Assert.Equal(0, store.FlushedUntil);

        File.Delete(blocker);
        var file = Assert.Single(store.Flush(flush));

        Assert.Equal(6, file.Rows);
        Assert.Equal(Day, file.MinTimestamp);
        Assert.Equal(Day.AddHours(2), file.MaxTimestamp);
        Assert.Equal("logs/org=1/day=2026-11-20/00000000000064-00000000000192.parquet", file.Path);
        Assert.Equal(6, (await Search(store, 1, Day, Day.AddDays(1))).Count);
        Assert.Equal(192, store.FlushedUntil);

        // The staging tables were released: the next flush starts empty.
        var next = new PendingFlush();
        next.Cover(192, 256);
        AddLogs(next, orgId: 1, count: 1, Day.AddHours(3), source: 192);
        Assert.Equal(1, Assert.Single(store.Flush(next)).Rows);
    }

    [Fact]
    public void Every_signal_is_written_to_its_own_partition()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        flush.Add(1, new MetricPoint { Timestamp = Day, Name = "latency", Type = "histogram", Value = 1.5, Count = 3, BucketBounds = [0.1, double.PositiveInfinity], BucketCounts = [1, 3], LabelsJson = "{}" });
        flush.Add(1, new SpanRecord { TraceId = "t", SpanId = "s", Service = "api", Name = "GET /", Kind = "server", Start = Day, End = Day.AddMilliseconds(5), DurationMicros = 5000, Status = "ok", AttributesJson = "{}" });
        flush.Add(1, new RumEvent { Timestamp = Day, Type = "vital", SessionId = "x", Application = "shop", VitalName = "LCP", VitalValue = 1200, AttributesJson = "{}" });

        var files = store.Flush(flush);

        Assert.Equal(["metrics", "rum", "traces"], files.Select(f => f.Path.Split('/')[0]).Order());
        Assert.Equal(1, store.Manifest.Totals(Signal.Metrics).Rows);
        Assert.Equal(1, store.Manifest.Totals(Signal.Traces).Rows);
        Assert.Equal(1, store.Manifest.Totals(Signal.Rum).Rows);
    }

    [Fact]
    public void The_manifest_lists_files_by_org_and_time_overlap_only()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        AddLogs(flush, 1, 1, Day.AddHours(10), 64);
        AddLogs(flush, 2, 1, Day.AddHours(10), 64);
        store.Flush(flush);

        Assert.Single(store.Manifest.ListFiles(Signal.Logs, 1, Day.AddHours(9), Day.AddHours(11)));
        Assert.Empty(store.Manifest.ListFiles(Signal.Logs, 1, Day.AddHours(11), Day.AddHours(12)));
        Assert.Empty(store.Manifest.ListFiles(Signal.Logs, 3, Day, Day.AddDays(1)));
        Assert.Empty(store.Manifest.ListFiles(Signal.Metrics, 1, Day, Day.AddDays(1)));
    }

    [Fact]
    public async Task Retention_unlists_whole_days_older_than_the_orgs_retention_and_deletes_them_after_the_grace_period()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        AddLogs(flush, orgId: 1, count: 2, Day.AddDays(-3).AddHours(23), 64); // 2026-11-17: older than 2 days
        AddLogs(flush, orgId: 1, count: 3, Day.AddDays(-2).AddHours(1), 64);  // 2026-11-18: its day ends within 2 days
        AddLogs(flush, orgId: 1, count: 4, Day.AddHours(8), 64);
        AddLogs(flush, orgId: 2, count: 5, Day.AddDays(-3).AddHours(23), 64); // another org keeps its own data
        store.Flush(flush);
        var now = Day.AddHours(9);

        var expired = store.ApplyRetention(orgId: 1, retentionDays: 2, now, grace: TimeSpan.FromMinutes(2));

        Assert.Equal((1, 2L), expired);
        Assert.Equal(7, (await Search(store, 1, Day.AddDays(-5), Day.AddDays(1))).Count);
        Assert.Equal(5, (await Search(store, 2, Day.AddDays(-5), Day.AddDays(1))).Count);
        Assert.Equal((0, 0L), store.ApplyRetention(orgId: 1, retentionDays: 2, now, grace: TimeSpan.FromMinutes(2)));
        Assert.Equal(0, store.DeleteExpired(now.AddMinutes(1)));
        Assert.Equal(4, Directory.EnumerateFiles(store.TelemetryRoot, "*.parquet", SearchOption.AllDirectories).Count());
        Assert.Equal(1, store.DeleteExpired(now.AddMinutes(2)));
        Assert.False(Directory.Exists(Path.Combine(store.TelemetryRoot, "logs/org=1/day=2026-11-17")) && Directory.EnumerateFiles(Path.Combine(store.TelemetryRoot, "logs/org=1/day=2026-11-17")).Any());
        Assert.Equal(3, Directory.EnumerateFiles(store.TelemetryRoot, "*.parquet", SearchOption.AllDirectories).Count());
    }

    private static void AddLogs(PendingFlush flush, int orgId, int count, DateTime at, long source)
    {
        for (int i = 0; i < count; i++)
        {
            flush.Add(orgId, new LogRecord
            {
                Timestamp = at.AddSeconds(i),
                ReceivedAt = at,
                Service = "api",
                Level = "info",
                Message = $"message {i}",
                AttributesJson = "{}",
                SourceAddress = source,
                SourceIndex = i,
            });
        }
    }

    private static Task<IReadOnlyList<LogRecord>> Search(TelemetryStore store, int orgId, DateTime from, DateTime to) =>
        store.Logs.SearchAsync(new LogQuery { OrgId = orgId, From = from, To = to, Limit = 10_000 }, CancellationToken.None);
}

using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;
using DuckDB.NET.Data;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// A missing or damaged Parquet file, met by a read or by compaction: moved to data/quarantine/files, unlisted with
/// its reason, reported on the health board, the rest still answered; and listed again once restored.
/// </summary>
public sealed class DamagedParquetFileTests
{
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(ParquetDamage.Deleted)]
    [InlineData(ParquetDamage.Truncated)]
    [InlineData(ParquetDamage.GarbagePage)]
    [InlineData(ParquetDamage.GarbageFooter)]
    public async Task Compaction_moves_a_damaged_input_aside_and_merges_the_rest(string damage)
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 4, rowsEach: 10);
        var victim = files[1];
        ParquetDamage.Apply(damage, Absolute(store, victim));

        int compacted = store.Compact(minFiles: 4, grace: TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, compacted);
        var merged = Assert.Single(store.Manifest.ListFiles(Signal.Logs, 1, Day, Day.AddDays(1)));
        Assert.Equal("compacted", merged.Level);
        Assert.Equal(30, merged.Rows);
        Assert.Equal(30, (await Search(store)).Count);
        AssertQuarantined(store, victim, damage);

        // Nothing is left for the next round to trip over.
        Assert.Equal(0, store.Compact(minFiles: 1, grace: TimeSpan.Zero, CancellationToken.None));
    }

    [Theory]
    [InlineData(ParquetDamage.Deleted)]
    [InlineData(ParquetDamage.Truncated)]
    [InlineData(ParquetDamage.GarbagePage)]
    [InlineData(ParquetDamage.GarbageFooter)]
    public async Task Every_kind_of_read_answers_the_rest_and_names_the_damaged_file(string damage)
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 3, rowsEach: 10);
        var victim = files[2];
        ParquetDamage.Apply(damage, Absolute(store, victim));
        var filter = new LogFilter { OrgId = 1, From = Day, To = Day.AddDays(1), Predicates = [new LogLineMatch(LogLineOperator.Contains, "message", false)] };

        var page = await store.LogQueries.SearchAsync(new LogSearchRequest { Filter = filter, Limit = 1000 }, CancellationToken.None);

        Assert.Equal(20, page.Rows.Count);
        Assert.Equal(victim.Path, Assert.Single(page.Damaged).Path);
        Assert.Equal(20, page.RowsScanned);
        AssertQuarantined(store, victim, damage);

        // The next reads answer cleanly: the file is no longer listed.
        var aggregation = await store.LogQueries.AggregateAsync(new LogAggregationRequest
        {
            Filter = filter,
            GroupBy = [LogField.Level],
            BucketOrigin = Day,
            BucketWidth = TimeSpan.FromDays(1),
        }, CancellationToken.None);
        var facets = await store.LogQueries.CountFacetsAsync(filter, CancellationToken.None);
        var (rows, damaged) = await store.Logs.FindAsync(new LogQuery { OrgId = 1, From = Day, To = Day.AddDays(1), Limit = 1000 }, CancellationToken.None);
        Assert.Equal(20, aggregation.Rows.Sum(r => r.Value));
        Assert.Empty(aggregation.Damaged);
        Assert.Equal(20, facets.Total);
        Assert.Empty(facets.Damaged);
        Assert.Equal(20, rows.Count);
        Assert.Empty(damaged);
    }

    [Fact]
    public async Task Aggregations_facets_and_the_simple_search_move_a_damaged_file_aside_too()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 3, rowsEach: 10);
        var filter = new LogFilter { OrgId = 1, From = Day, To = Day.AddDays(1), Predicates = [new LogLineMatch(LogLineOperator.Contains, "message", false)] };
        ParquetDamage.Apply(ParquetDamage.Truncated, Absolute(store, files[0]));
        ParquetDamage.Apply(ParquetDamage.GarbagePage, Absolute(store, files[1]));

        var aggregation = await store.LogQueries.AggregateAsync(new LogAggregationRequest
        {
            Filter = filter,
            GroupBy = [LogField.Service],
            BucketOrigin = Day,
            BucketWidth = TimeSpan.FromDays(1),
        }, CancellationToken.None);

        // Both damaged files are found in one read, one after the other.
        Assert.Equal(10, aggregation.Rows.Sum(r => r.Value));
        Assert.Equal([files[0].Path, files[1].Path], aggregation.Damaged.Select(d => d.Path).Order());
        Assert.Equal(1, aggregation.FilesRead);

        var more = FlushFiles(store, count: 2, rowsEach: 5, firstAddress: 10_000);
        ParquetDamage.Apply(ParquetDamage.Deleted, Absolute(store, more[0]));
        var facets = await store.LogQueries.CountFacetsAsync(filter, CancellationToken.None);
        Assert.Equal(15, facets.Total);
        Assert.Equal(more[0].Path, Assert.Single(facets.Damaged).Path);

        ParquetDamage.Apply(ParquetDamage.GarbageFooter, Absolute(store, more[1]));
        var (rows, damaged) = await store.Logs.FindAsync(new LogQuery { OrgId = 1, From = Day, To = Day.AddDays(1), Limit = 1000 }, CancellationToken.None);
        Assert.Equal(10, rows.Count);
        Assert.Equal(more[1].Path, Assert.Single(damaged).Path);
        Assert.Equal(4, store.DamagedFiles().Count);
    }

    [Fact]
    public async Task An_error_of_the_statement_itself_moves_no_file_aside()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 2, rowsEach: 5);
        // A pattern RE2 refuses: the API checks patterns first, storage alone fails on it — on every file alike.
        var filter = new LogFilter { OrgId = 1, From = Day, To = Day.AddDays(1), Predicates = [new LogLineMatch(LogLineOperator.Regex, "(unclosed", false)] };

        await Assert.ThrowsAsync<DuckDBException>(() => store.LogQueries.SearchAsync(new LogSearchRequest { Filter = filter, Limit = 10 }, CancellationToken.None));

        Assert.Equal(2, store.Manifest.ListFiles(Signal.Logs, 1, Day, Day.AddDays(1)).Count);
        Assert.Empty(store.DamagedFiles());
        Assert.All(files, f => Assert.True(File.Exists(Absolute(store, f))));
        Assert.Empty(store.Health.Current);
    }

    [Fact]
    public async Task When_every_file_of_a_read_fails_on_its_own_none_is_moved_aside()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 3, rowsEach: 5);
        foreach (var file in files)
        {
            ParquetDamage.Apply(ParquetDamage.GarbageFooter, Absolute(store, file));
        }

        // That points at the reader or the disk: moving a whole range aside is for a person to decide.
        await Assert.ThrowsAsync<DuckDBException>(() => Search(store));

        Assert.Equal(3, store.Manifest.ListFiles(Signal.Logs, 1, Day, Day.AddDays(1)).Count);
        Assert.Empty(store.DamagedFiles());
        Assert.All(files, f => Assert.True(File.Exists(Absolute(store, f))));
    }

    [Fact]
    public async Task A_file_restored_from_a_backup_is_listed_again_and_its_warning_ends()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 2, rowsEach: 10);
        string backup = Path.Combine(dir.Path, "backup.parquet");
        File.Copy(Absolute(store, files[0]), backup);
        ParquetDamage.Apply(ParquetDamage.Truncated, Absolute(store, files[0]));
        Assert.Equal(10, (await Search(store)).Count);

        var notBack = Assert.Throws<InvalidDataException>(() => store.RelistDamagedFile(files[0].Path));
        Assert.Contains("the file is missing", notBack.Message, StringComparison.Ordinal);
        File.Copy(Path.Combine(store.Data.QuarantineDir, "files", files[0].Path), Absolute(store, files[0]));
        var stillDamaged = Assert.Throws<InvalidDataException>(() => store.RelistDamagedFile(files[0].Path));
        Assert.Contains("No magic bytes", stillDamaged.Message, StringComparison.Ordinal);
        Assert.NotNull(store.Health.Find(ParquetFileGuard.HealthPrefix + files[0].Path));

        File.Copy(backup, Absolute(store, files[0]), overwrite: true);
        store.RelistDamagedFile(files[0].Path);

        Assert.Equal(20, (await Search(store)).Count);
        Assert.True(store.Manifest.IsListed(files[0].Path));
        Assert.Empty(store.DamagedFiles(includeAccepted: true));
        Assert.Null(store.Health.Find(ParquetFileGuard.HealthPrefix + files[0].Path));
    }

    [Fact]
    public async Task Accepting_a_loss_ends_the_warning_and_keeps_the_record()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = FlushFiles(store, count: 2, rowsEach: 10);
        ParquetDamage.Apply(ParquetDamage.Deleted, Absolute(store, files[1]));
        await Search(store);

        var accepted = store.AcceptDamagedFile(files[1].Path);

        Assert.NotNull(accepted.AcceptedAt);
        Assert.Null(store.Health.Find(ParquetFileGuard.HealthPrefix + files[1].Path));
        Assert.Empty(store.DamagedFiles());
        Assert.Equal(files[1].Path, Assert.Single(store.DamagedFiles(includeAccepted: true)).Path);
        Assert.Throws<ArgumentException>(() => store.AcceptDamagedFile("logs/org=1/no-such.parquet"));
    }

    [Fact]
    public async Task A_damaged_file_is_reported_again_after_a_restart_until_it_is_dealt_with()
    {
        using var dir = new TempDirectory();
        string victim;
        using (var store = new TelemetryStore(new DataDirectory(dir.Path)))
        {
            var files = FlushFiles(store, count: 2, rowsEach: 3);
            victim = files[0].Path;
            ParquetDamage.Apply(ParquetDamage.GarbagePage, Absolute(store, files[0]));
            await Search(store);
        }

        var health = new HealthConditions();
        using (var reopened = new TelemetryStore(new DataDirectory(dir.Path), health: health))
        {
            var condition = health.Find(ParquetFileGuard.HealthPrefix + victim);
            Assert.NotNull(condition);
            Assert.Equal(HealthImpact.Warning, condition.Impact);
            Assert.Contains($"data/telemetry/{victim}", condition.Reason, StringComparison.Ordinal);
            Assert.True(health.IsReady);
            reopened.AcceptDamagedFile(victim);
        }

        var later = new HealthConditions();
        using (new TelemetryStore(new DataDirectory(dir.Path), health: later))
        {
            Assert.Empty(later.Current);
        }
    }

    private static void AssertQuarantined(TelemetryStore store, ManifestFile victim, string damage)
    {
        Assert.False(store.Manifest.IsListed(victim.Path));
        Assert.False(File.Exists(Absolute(store, victim)));
        var record = Assert.Single(store.DamagedFiles());
        Assert.Equal(victim.Path, record.Path);
        Assert.Equal(victim.Rows, record.Listing.Rows);
        Assert.Equal(victim.OrgId, record.Listing.OrgId);
        Assert.Equal(victim.Day, record.Listing.Day);
        string quarantined = Path.Combine(store.Data.QuarantineDir, "files", victim.Path);
        if (damage == ParquetDamage.Deleted)
        {
            Assert.Equal("the file is missing", record.Reason);
            Assert.Null(record.QuarantinedAs);
            Assert.False(File.Exists(quarantined));
        }
        else
        {
            Assert.StartsWith("reading it failed (", record.Reason, StringComparison.Ordinal);
            Assert.Equal(victim.Path, record.QuarantinedAs);
            Assert.True(File.Exists(quarantined), $"{quarantined} was not kept");
        }

        var condition = store.Health.Find(ParquetFileGuard.HealthPrefix + victim.Path);
        Assert.NotNull(condition);
        Assert.Equal(HealthImpact.Warning, condition.Impact);
        Assert.Contains($"data/telemetry/{victim.Path}", condition.Reason, StringComparison.Ordinal);
        Assert.Contains($"{victim.Rows} logs rows of org 1", condition.Reason, StringComparison.Ordinal);
        Assert.Contains("restore the file from a backup", condition.Reason, StringComparison.Ordinal);
    }

    /// <summary>One flush (one file) per call of <paramref name="rowsEach"/> lines, a minute apart.</summary>
    private static List<ManifestFile> FlushFiles(TelemetryStore store, int count, int rowsEach, long firstAddress = 64)
    {
        var files = new List<ManifestFile>();
        for (int i = 0; i < count; i++)
        {
            long address = firstAddress + (i * 100);
            var flush = new PendingFlush();
            flush.Cover(address, address + 100);
            for (int j = 0; j < rowsEach; j++)
            {
                flush.Add(1, new LogRecord
                {
                    Timestamp = Day.AddMinutes(i + (firstAddress / 100)).AddSeconds(j),
                    ReceivedAt = Day,
                    Service = j % 2 == 0 ? "api" : "web",
                    Level = "info",
                    Message = $"message {i}.{j} " + new string('x', 50 + j),
                    AttributesJson = "{\"region\":\"eu\"}",
                    SourceAddress = address,
                    SourceIndex = j,
                });
            }

            files.AddRange(store.Flush(flush));
        }

        return files;
    }

    private static string Absolute(TelemetryStore store, ManifestFile file) => Path.Combine(store.TelemetryRoot, file.Path);

    private static Task<IReadOnlyList<LogRecord>> Search(TelemetryStore store) =>
        store.Logs.SearchAsync(new LogQuery { OrgId = 1, From = Day, To = Day.AddDays(1), Limit = 10_000 }, CancellationToken.None);
}

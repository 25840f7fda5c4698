using System.Text;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// A damaged ingest log is never silently "ready": damage that costs acknowledged, unstored batches refuses to open
/// with the file, the problem and the remedy; a damaged newest commit falls back and salvages the records after the
/// previous one; accepted or harmless damage opens with a warning that says what was lost.
/// </summary>
public sealed class IngestLogRepairTests
{
    private const int SegmentBits = 18; // 256 KiB segments, 64 KiB pages: a few hundred KiB of records span several
    private const int RecordBytes = 20_000;

    [Fact]
    public async Task A_damaged_newest_commit_falls_back_to_the_previous_one_and_salvages_the_records_written_after_it()
    {
        using var dir = new TempDirectory();
        var addresses = await WriteAsync(dir.Path, 30);
        var newest = IngestLogCommitStore.Scan(dir.Path).Take(2).ToList();
        foreach (var file in newest)
        {
            Damage(file.Path, offset: 50);
        }

        var health = new HealthConditions();
        await using (var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(), health: health))
        {
            using var reader = log.OpenReader("check");
            var read = SmallIngestLog.DrainEntries(reader);
            Assert.Equal(addresses, read.Select(e => e.Address));
            Assert.Equal(Enumerable.Range(0, 30).Select(Label), read.Select(e => Encoding.UTF8.GetString(e.Payload.Span)[..10]));
            read.ForEach(e => e.Dispose());

            var warning = health.Find("ingest-log.recovery");
            Assert.Equal(HealthImpact.Warning, warning?.Impact);
            Assert.Contains(Path.GetFileName(newest[0].Path), warning!.Reason, StringComparison.Ordinal);
            Assert.Contains("salvaged", warning.Reason, StringComparison.Ordinal);
            await log.AppendAsync(SmallIngestLog.Record(Label(30), RecordBytes), CancellationToken.None);
        }

        // The repair was made durable and the damaged files were moved aside: the next open is clean and whole.
        Assert.All(newest, f => Assert.False(File.Exists(f.Path)));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "commits", "damaged")));
        var again = new HealthConditions();
        await using var reopened = IngestLog.Open(dir.Path, SmallIngestLog.Options(), health: again);
        using var all = reopened.OpenReader("check2");
        Assert.Equal(Enumerable.Range(0, 31).Select(Label), SmallIngestLog.DrainText(all, 10));
        Assert.Null(again.Find("ingest-log.recovery"));
    }

    [Fact]
    public async Task Garbage_in_every_commit_file_refuses_to_open_naming_the_file_the_problem_and_the_remedy()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 10);
        foreach (var file in IngestLogCommitStore.Scan(dir.Path))
        {
            File.WriteAllBytes(file.Path, Enumerable.Range(0, 600).Select(i => (byte)(i * 7)).ToArray());
        }

        var refusal = await Assert.ThrowsAsync<StartupRefusedException>(async () => await IngestLog.Open(dir.Path, SmallIngestLog.Options()).DisposeAsync());
        Assert.StartsWith(Path.Combine(dir.Path, "commits"), refusal.File, StringComparison.Ordinal);
        Assert.Contains("none of the ingest log's 3 commit file(s) is valid", refusal.Problem, StringComparison.Ordinal);
        Assert.Contains("AcceptIngestLogDataLoss=true", refusal.Remedy, StringComparison.Ordinal);
        Assert.Contains("backup", refusal.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_loss_accepted_a_log_without_a_valid_commit_is_rebuilt_from_its_segments()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 10);
        foreach (var file in IngestLogCommitStore.Scan(dir.Path))
        {
            File.WriteAllBytes(file.Path, []); // what FASTER's own manager left on a full disk
        }

        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(acceptLoss: true), health: health);
        using var reader = log.OpenReader("check");
        Assert.Equal(Enumerable.Range(0, 10).Select(Label), SmallIngestLog.DrainText(reader, 10));
        Assert.Contains("rebuilt from its segments", health.Find("ingest-log.recovery")!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_missing_or_truncated_segment_holding_unstored_batches_refuses_to_open(bool delete)
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 40); // ~800 KiB: segments 0..3
        string segment = Path.Combine(dir.Path, "ingest.log.1");
        if (delete)
        {
            File.Delete(segment);
        }
        else
        {
            using var stream = new FileStream(segment, FileMode.Open);
            stream.SetLength(1000);
        }

        var refusal = await Assert.ThrowsAsync<StartupRefusedException>(async () => await IngestLog.Open(dir.Path, SmallIngestLog.Options()).DisposeAsync());
        Assert.Equal(segment, refusal.File);
        Assert.Contains(delete ? "missing" : "truncated to 1000 bytes", refusal.Problem, StringComparison.Ordinal);
        Assert.Contains("acknowledged batches that are not yet stored", refusal.Problem, StringComparison.Ordinal);
        Assert.Contains($"[{(1L << SegmentBits) + (delete ? 0 : 1000)}, {2L << SegmentBits})", refusal.Problem, StringComparison.Ordinal);
        Assert.Contains("AcceptIngestLogDataLoss=true", refusal.Remedy, StringComparison.Ordinal);
        Assert.Contains(refusal.File, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_data_loss_accepted_a_missing_segment_is_skipped_and_reported_and_the_log_goes_on()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 40);
        File.Delete(Path.Combine(dir.Path, "ingest.log.1"));

        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(acceptLoss: true), health: health);
        using var reader = log.OpenReader("check");
        var read = SmallIngestLog.DrainText(reader, 10);
        Assert.Contains(Label(0), read);
        Assert.Contains(Label(39), read);
        Assert.True(read.Count is > 20 and < 40, $"{read.Count} records read");
        Assert.Equal(0, reader.CorruptRecords); // the skipped range was reported once, at open
        Assert.Contains("LOST", health.Find("ingest-log.recovery")!.Reason, StringComparison.Ordinal);

        await log.AppendAsync(SmallIngestLog.Record(Label(40), RecordBytes), CancellationToken.None);
        Assert.Equal([Label(40)], SmallIngestLog.DrainText(reader, 10));
    }

    [Fact]
    public async Task With_data_loss_accepted_a_truncated_last_segment_still_delivers_every_record_appended_afterwards()
    {
        using var dir = new TempDirectory();
        await WriteAsync(dir.Path, 40);
        string last = Path.Combine(dir.Path, "ingest.log.3");
        long length = new FileInfo(last).Length;
        using (var stream = new FileStream(last, FileMode.Open))
        {
            stream.SetLength(length / 2); // cuts into the page FASTER keeps in memory after recovery
        }

        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(acceptLoss: true));
        using var reader = log.OpenReader("check");
        var before = SmallIngestLog.DrainText(reader, 10);
        for (int i = 40; i < 45; i++)
        {
            await log.AppendAsync(SmallIngestLog.Record(Label(i), RecordBytes), CancellationToken.None);
        }

        // A reader that met the zeroed tail would jump to the next page and never see these.
        Assert.Equal(Enumerable.Range(40, 5).Select(Label), SmallIngestLog.DrainText(reader, 10));
        Assert.Contains(Label(0), before);
    }

    [Fact]
    public async Task Damage_below_the_stored_position_only_warns_because_those_batches_are_in_parquet()
    {
        using var dir = new TempDirectory();
        var addresses = await WriteAsync(dir.Path, 40);
        long stored = addresses.First(a => a > 2L << SegmentBits); // everything in segments 0 and 1 is stored
        File.Delete(Path.Combine(dir.Path, "ingest.log.0"));

        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(storedUntil: stored), health: health);
        using var reader = log.OpenReader("check");
        var read = SmallIngestLog.DrainEntries(reader);
        Assert.Equal(addresses.Where(a => a >= 1L << SegmentBits), read.Select(e => e.Address).Where(a => a >= 1L << SegmentBits));
        read.ForEach(e => e.Dispose());
        Assert.Contains("nothing is lost", health.Find("ingest-log.recovery")!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_that_ends_before_the_stored_position_refuses_to_open()
    {
        using var dir = new TempDirectory();
        var addresses = await WriteAsync(dir.Path, 5);
        long stored = addresses[^1] + 100_000;

        var refusal = await Assert.ThrowsAsync<StartupRefusedException>(async () => await IngestLog.Open(dir.Path, SmallIngestLog.Options(storedUntil: stored)).DisposeAsync());
        Assert.Contains($"stored up to ingest log address {stored}", refusal.Problem, StringComparison.Ordinal);

        await using var accepted = IngestLog.Open(dir.Path, SmallIngestLog.Options(storedUntil: stored, acceptLoss: true));
        // New records must land after the stored position, or the pipeline would skip them as already stored.
        Assert.True(await accepted.AppendAsync(SmallIngestLog.Record(Label(5), RecordBytes), CancellationToken.None) > stored);
    }

    [Fact]
    public async Task A_record_that_fails_its_checksum_is_skipped_and_reported_with_its_address()
    {
        using var dir = new TempDirectory();
        var addresses = await WriteAsync(dir.Path, 40);
        long victim = addresses[5]; // page 1: read from disk (checked), not from the page kept in memory
        string segment = Path.Combine(dir.Path, "ingest.log.0");
        Damage(segment, offset: victim + 12 + 100);

        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(), health: health);
        using var reader = log.OpenReader("check");
        var read = SmallIngestLog.DrainText(reader, 10);
        Assert.DoesNotContain(Label(5), read);
        Assert.Contains(Label(39), read);
        Assert.Equal(1, reader.CorruptRecords);
        var warning = health.Find("ingest-log.corrupt");
        Assert.Equal(HealthImpact.Warning, warning?.Impact);
        Assert.Contains("lost", warning!.Reason, StringComparison.Ordinal);
        Assert.Contains("address", warning.Reason, StringComparison.Ordinal);
    }

    private static async Task<List<long>> WriteAsync(string path, int count)
    {
        var addresses = new List<long>();
        await using var log = IngestLog.Open(path, SmallIngestLog.Options());
        for (int i = 0; i < count; i++)
        {
            addresses.Add(await log.AppendAsync(SmallIngestLog.Record(Label(i), RecordBytes), CancellationToken.None));
        }

        return addresses;
    }

    private static void Damage(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x5A));
    }

    private static string Label(int i) => $"record {i,3}";

}

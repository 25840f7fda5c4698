using System.Text;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// A failed ingest log recovers by itself (a new generation from the last durable commit), a full disk is a visible,
/// temporary state, and readers get what is durable — after a restart without waiting for new traffic.
/// </summary>
public sealed class IngestLogRecoveryTests
{
    [Fact]
    public async Task A_failed_commit_makes_the_log_not_ready_and_it_reopens_itself_once_writes_work_again()
    {
        using var dir = new TempDirectory();
        int failing = 0;
        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(fastReopen: true, beforeCommitWrite: _ =>
        {
            if (Volatile.Read(ref failing) == 1)
            {
                throw new IOException("Input/output error (simulated)");
            }
        }), health: health);
        await log.AppendAsync("kept"u8.ToArray(), CancellationToken.None);
        var reader = log.OpenReader("normalizer");
        Assert.True(reader.TryRead(out var kept));
        await reader.CompleteUntilAsync(kept.NextAddress, truncate: false, CancellationToken.None);
        kept.Dispose();

        Volatile.Write(ref failing, 1);
        var failed = await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync("unacknowledged"u8.ToArray(), CancellationToken.None).AsTask());

        var condition = health.Find("ingest-log");
        Assert.Equal(HealthImpact.NotReady, condition?.Impact);
        Assert.Contains("commit file", condition!.Reason, StringComparison.Ordinal);
        // The old instance's reader is told to reopen, from every call.
        Assert.Throws<IngestLogReopenedException>(() => reader.TryRead(out _));
        Assert.Throws<IngestLogReopenedException>(() => reader.NextAddress);
        await Assert.ThrowsAsync<IngestLogReopenedException>(() => reader.WaitAsync(CancellationToken.None).AsTask());
        reader.Dispose();

        Volatile.Write(ref failing, 0);
        await Poll.UntilAsync(() => Task.FromResult(log.Generation), g => g == 2, TimeSpan.FromSeconds(30), "the log to reopen");
        Assert.Null(health.Find("ingest-log"));
        Assert.Null(log.UnavailableReason);

        long address = await log.AppendAsync("after"u8.ToArray(), CancellationToken.None);
        // The unacknowledged record was not durable: it is gone, and its address now holds the next record.
        Assert.False(log.IsDurable(failed.Generation!.Value, failed.Address!.Value));
        Assert.True(log.IsDurable(2, address));
        using var resumed = log.OpenReader("normalizer");
        Assert.Equal(["after"], SmallIngestLog.DrainText(resumed));
    }

    [Fact]
    public async Task While_the_log_is_failed_appends_are_refused_at_once_with_the_reason()
    {
        using var dir = new TempDirectory();
        var health = new HealthConditions();
        int failing = 0;
        var options = SmallIngestLog.Options(fastReopen: true, beforeCommitWrite: _ =>
        {
            if (Volatile.Read(ref failing) == 1)
            {
                throw new IOException("Input/output error (simulated)");
            }
        });
        options.CommitTimeout = TimeSpan.FromMinutes(5); // a refusal that waited for the timeout would hang the test
        await using var log = IngestLog.Open(dir.Path, options, health: health);
        Volatile.Write(ref failing, 1);
        await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync("a"u8.ToArray(), CancellationToken.None).AsTask());

        // The disk keeps failing, so the log cannot reopen yet: appends are refused without waiting for a commit.
        var refused = await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync("b"u8.ToArray(), CancellationToken.None).AsTask());
        Assert.Contains("Input/output error (simulated)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Input/output error (simulated)", health.Find("ingest-log")!.Reason, StringComparison.Ordinal);
        Assert.Null(refused.Address); // never enqueued
        Assert.Throws<IngestLogUnavailableException>(() => log.OpenReader("normalizer"));
    }

    [Fact]
    public async Task A_commit_that_does_not_complete_faults_the_log_and_it_reopens_once_the_disk_answers_again()
    {
        using var dir = new TempDirectory();
        using var disk = new ManualResetEventSlim(initialState: true);
        var health = new HealthConditions();
        var options = SmallIngestLog.Options(fastReopen: true, beforeCommitWrite: _ => disk.Wait()); // a commit write that blocks: a disk that stopped answering
        options.CommitTimeout = TimeSpan.FromSeconds(1);
        await using var log = IngestLog.Open(dir.Path, options, health: health);
        await log.AppendAsync("before"u8.ToArray(), CancellationToken.None);

        disk.Reset();
        await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync("stuck"u8.ToArray(), CancellationToken.None).AsTask());
        await Poll.UntilAsync(() => Task.FromResult(health.Find("ingest-log")?.Reason), r => r is not null, TimeSpan.FromSeconds(30), "the fault to be reported");
        Assert.Contains("did not complete within 1 s", health.Find("ingest-log")!.Reason, StringComparison.Ordinal);
        Assert.Equal(1, log.Generation); // the stuck write is still inside the old instance: it is not disposed under it

        disk.Set();
        await Poll.UntilAsync(() => Task.FromResult(log.Generation), g => g == 2, TimeSpan.FromSeconds(30), "the log to reopen");
        await log.AppendAsync("after"u8.ToArray(), CancellationToken.None);
        using var reader = log.OpenReader("check");
        Assert.Equal("before", SmallIngestLog.DrainText(reader)[0]);
    }

    [Theory]
    [InlineData(3, 100, 1, false)]
    [InlineData(40, 30_000, 0, false)] // many pages: the replay starts on disk, below the page kept in memory
    [InlineData(40, 30_000, 25, true)] // truncated: the log begins inside a page
    [InlineData(5, 61_000, 4, true)]   // one record per page, the rest of each page padding
    public async Task A_record_acknowledged_before_a_restart_is_delivered_at_once_without_new_appends(int records, int size, int completed, bool truncate)
    {
        using var dir = new TempDirectory();
        var options = SmallIngestLog.Options(fastReopen: true);
        var expected = new List<string>();
        await using (var log = IngestLog.Open(dir.Path, options))
        {
            using var reader = log.OpenReader("normalizer");
            for (int i = 0; i < records; i++)
            {
                await log.AppendAsync(SmallIngestLog.Record(Label(i), size), CancellationToken.None);
            }

            var read = SmallIngestLog.DrainEntries(reader);
            if (completed > 0)
            {
                await reader.CompleteUntilAsync(read[completed - 1].NextAddress, truncate, CancellationToken.None);
            }

            expected.AddRange(read.Skip(completed).Select(e => Encoding.UTF8.GetString(e.Payload.Span)[..12]));
            read.ForEach(e => e.Dispose());
        }

        await using var reopened = IngestLog.Open(dir.Path, options);
        using var resumed = reopened.OpenReader("normalizer");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var delivered = new List<string>();
        while (delivered.Count < expected.Count)
        {
            while (resumed.TryRead(out var entry))
            {
                using (entry)
                {
                    delivered.Add(Encoding.UTF8.GetString(entry.Payload.Span)[..12]);
                }
            }

            // Nothing new is appended: a wait must return because committed records are there, not because of traffic.
            if (delivered.Count < expected.Count)
            {
                Assert.True(await resumed.WaitAsync(deadline.Token));
            }
        }

        Assert.Equal(expected, delivered);
    }

    [Fact]
    public async Task A_snapshot_reader_reads_the_committed_records_without_moving_the_named_reader_or_letting_the_log_truncate_past_it()
    {
        using var dir = new TempDirectory();
        var options = SmallIngestLog.Options(fastReopen: true);
        await using (var log = IngestLog.Open(dir.Path, options))
        {
            using var named = log.OpenReader("normalizer");
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(Encoding.UTF8.GetBytes($"r{i}"), CancellationToken.None);
            }

            using var snapshot = log.OpenSnapshotReader(0);
            await log.AppendAsync("after the snapshot"u8.ToArray(), CancellationToken.None);
            var consumed = SmallIngestLog.DrainEntries(named);
            await named.CompleteUntilAsync(consumed[4].NextAddress, truncate: true, CancellationToken.None);
            consumed.ForEach(e => e.Dispose());

            Assert.Equal(64, log.BeginAddress); // the snapshot still reads from the start
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), SmallIngestLog.DrainText(snapshot));
            Assert.False(await snapshot.WaitAsync(CancellationToken.None)); // it ends at the tail it was opened with
            await Assert.ThrowsAsync<InvalidOperationException>(() => snapshot.CompleteUntilAsync(100, truncate: false, CancellationToken.None));
        }

        await using var reopened = IngestLog.Open(dir.Path, options);
        using var resumed = reopened.OpenReader("normalizer");
        Assert.Equal(Enumerable.Range(5, 5).Select(i => $"r{i}").Append("after the snapshot"), SmallIngestLog.DrainText(resumed));
        using var late = reopened.OpenSnapshotReader(0);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}").Append("after the snapshot"), SmallIngestLog.DrainText(late));
    }

    [Fact]
    [Trait("Category", "DiskFull")]
    public async Task A_disk_that_fills_refuses_appends_never_loses_an_acknowledged_one_and_the_log_resumes_when_space_returns()
    {
        using var disk = new TmpfsMount(16 * 1024 * 1024);
        string path = Path.Combine(disk.Path, "ingest");
        var options = SmallIngestLog.Options(fastReopen: true);
        options.SegmentSizeBits = 20;
        options.CommitTimeout = TimeSpan.FromSeconds(5);
        var health = new HealthConditions();
        var acknowledged = new List<string>();
        await using (var log = IngestLog.Open(path, options, health: health))
        {
            disk.Fill(leave: 2 * 1024 * 1024);
            int failures = 0;
            for (int i = 0; failures < 3 && i < 10_000; i++)
            {
                try
                {
                    await log.AppendAsync(SmallIngestLog.Record(Label(i), 8000), CancellationToken.None);
                    acknowledged.Add(Label(i));
                }
                catch (IngestLogUnavailableException)
                {
                    failures++;
                }
            }

            Assert.Equal(3, failures);
            var condition = health.Find("ingest-log");
            Assert.Equal(HealthImpact.NotReady, condition?.Impact);
            Assert.Contains("data disk is full", condition!.Reason, StringComparison.Ordinal);
            Assert.Contains("data disk is full", log.UnavailableReason, StringComparison.Ordinal);

            disk.Release();
            await Poll.UntilAsync(() => Task.FromResult(log.UnavailableReason), r => r is null, TimeSpan.FromSeconds(30), "the log to resume");
            Assert.True(log.Generation > 1);
            for (int i = 20_000; i < 20_010; i++)
            {
                await log.AppendAsync(SmallIngestLog.Record(Label(i), 8000), CancellationToken.None);
                acknowledged.Add(Label(i));
            }
        }

        await using var reopened = IngestLog.Open(path, options);
        using var reader = reopened.OpenReader("check");
        var stored = SmallIngestLog.DrainText(reader).Select(r => r[..12]).ToList();
        Assert.Equal(acknowledged, stored.Where(acknowledged.Contains));
        Assert.Empty(acknowledged.Except(stored));
    }

    private static string Label(int i) => $"record {i,5}";

}

using System.Buffers;
using System.Text;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Tests.Support;
using FASTER.core;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// The ingest log's commit files: written so that a good one always survives (temp file, fsync, rename, SHA-256, the
/// previous ones kept until a newer one is durable), a failed write acknowledges nothing, and the files FASTER wrote
/// itself before this store existed are still read.
/// </summary>
public sealed class IngestLogCommitTests
{
    [Fact]
    public async Task Only_the_newest_commits_are_kept_each_marked_and_checksummed()
    {
        using var dir = new TempDirectory();
        await using (var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(fastReopen: true)))
        {
            for (int i = 0; i < 20; i++)
            {
                await log.AppendAsync(Encoding.UTF8.GetBytes($"r{i}"), CancellationToken.None);
            }
        }

        var files = Directory.GetFiles(Path.Combine(dir.Path, "commits"));
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.Equal("AEGLOGC1"u8.ToArray(), File.ReadAllBytes(f)[..8]));
        Assert.All(IngestLogCommitStore.Scan(dir.Path), f => Assert.True(f.IsValid, f.Problem));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "log-commits")), "FASTER's own commit folder must not be used");
    }

    [Fact]
    public async Task A_failed_commit_write_acknowledges_nothing_and_leaves_every_older_commit_intact()
    {
        using var dir = new TempDirectory();
        int failing = 0;
        var health = new HealthConditions();
        await using var log = IngestLog.Open(dir.Path, SmallIngestLog.Options(fastReopen: true, beforeCommitWrite: _ =>
        {
            if (Volatile.Read(ref failing) == 1)
            {
                throw new IOException("No space left on device (simulated)");
            }
        }), health: health);
        await log.AppendAsync("before"u8.ToArray(), CancellationToken.None);
        long committed = log.CommittedUntilAddress;
        var before = IngestLogCommitStore.Scan(dir.Path).Select(f => (f.Path, Bytes: File.ReadAllBytes(f.Path))).ToList();

        Volatile.Write(ref failing, 1);
        var failure = await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync("lost"u8.ToArray(), CancellationToken.None).AsTask());

        // FASTER moves its committed address only after the commit store returns: nothing was acknowledged on top of it.
        Assert.Equal(committed, log.CommittedUntilAddress);
        Assert.Equal(1, log.Generation);
        Assert.All(before, f => Assert.Equal(f.Bytes, File.ReadAllBytes(f.Path)));
        var after = IngestLogCommitStore.Scan(dir.Path);
        Assert.Equal(before.Count, after.Count);
        Assert.All(after, f => Assert.True(f.IsValid, f.Problem));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "commits"), "*.tmp"));
        Assert.Equal(HealthImpact.NotReady, health.Find("ingest-log")?.Impact);
        Assert.NotNull(failure.Address);
    }

    [Fact]
    public async Task A_log_written_with_FASTERs_own_commit_files_is_recovered_and_moves_to_the_new_ones()
    {
        using var dir = new TempDirectory();
        var options = SmallIngestLog.Options(fastReopen: true);
        // What the landed version wrote: FASTER's default commit manager (data/ingest/log-commits/commit.N.0).
        using (var device = Devices.CreateLogDevice(Path.Combine(dir.Path, "ingest.log"), preallocateFile: false))
        using (var legacy = new FasterLog(new FasterLogSettings
        {
            LogDevice = device,
            LogCommitDir = dir.Path,
            PageSizeBits = options.PageSizeBits,
            MemorySizeBits = options.MemorySizeBits,
            SegmentSizeBits = options.SegmentSizeBits,
            LogChecksum = LogChecksumType.PerEntry,
            RemoveOutdatedCommits = true,
            TryRecoverLatest = false,
        }))
        {
            using var iterator = legacy.Scan(legacy.BeginAddress, long.MaxValue, "normalizer");
            for (int i = 0; i < 10; i++)
            {
                await legacy.EnqueueAsync(Encoding.UTF8.GetBytes($"old {i}"));
            }

            await legacy.CommitAsync();
            long next = 0;
            for (int i = 0; i < 4; i++)
            {
                Assert.True(iterator.GetNext(MemoryPool<byte>.Shared, out var entry, out _, out _, out next));
                entry.Dispose();
            }

            iterator.CompleteUntil(next);
            await legacy.CommitAsync();
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "log-commits")));
        await using (var log = IngestLog.Open(dir.Path, options))
        {
            using var reader = log.OpenReader("normalizer");
            Assert.Equal(Enumerable.Range(4, 6).Select(i => $"old {i}"), SmallIngestLog.DrainText(reader));
            for (int i = 0; i < 5; i++)
            {
                await log.AppendAsync(Encoding.UTF8.GetBytes($"new {i}"), CancellationToken.None);
            }
        }

        Assert.DoesNotContain(IngestLogCommitStore.Scan(dir.Path), f => f.Legacy);
        await using var reopened = IngestLog.Open(dir.Path, options);
        using var resumed = reopened.OpenReader("normalizer");
        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"old {i}").Concat(Enumerable.Range(0, 5).Select(i => $"new {i}")), SmallIngestLog.DrainText(resumed));
    }

}

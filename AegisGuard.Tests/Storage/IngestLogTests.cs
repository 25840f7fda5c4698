using System.Text;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage;

/// <summary>The FASTER ingest log: durability across reopen, reader resume, truncation and refusal.</summary>
public sealed class IngestLogTests
{
    [Fact]
    public async Task Appended_records_are_read_back_in_order_after_the_log_is_reopened()
    {
        using var dir = new TempDirectory();
        var addresses = new List<long>();
        await using (var log = IngestLog.Open(dir.Path))
        {
            for (int i = 0; i < 100; i++)
            {
                addresses.Add(await log.AppendAsync(Encoding.UTF8.GetBytes($"record {i}"), CancellationToken.None));
            }
        }

        await using var reopened = IngestLog.Open(dir.Path);
        using var reader = reopened.OpenReader("test");
        var read = Drain(reader);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"record {i}"), read.Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
        Assert.Equal(addresses, read.Select(e => e.Address));
    }

    [Fact]
    public async Task A_reader_resumes_after_its_completed_position_and_redelivers_what_it_did_not_complete()
    {
        using var dir = new TempDirectory();
        await using (var log = IngestLog.Open(dir.Path))
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(Encoding.UTF8.GetBytes($"r{i}"), CancellationToken.None);
            }

            using var reader = log.OpenReader("normalizer");
            var all = Drain(reader);
            // Consumed ten, but only the first four were made durable downstream.
            await reader.CompleteUntilAsync(all[3].NextAddress, truncate: false, CancellationToken.None);
        }

        await using var reopened = IngestLog.Open(dir.Path);
        using var resumed = reopened.OpenReader("normalizer");
        var redelivered = Drain(resumed);

        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"r{i}"), redelivered.Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
    }

    [Fact]
    public async Task Truncation_frees_whole_segments_so_disk_does_not_grow_forever()
    {
        using var dir = new TempDirectory();
        var options = new IngestLogOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 18 }; // 256 KiB segments
        await using var log = IngestLog.Open(dir.Path, options);
        using var reader = log.OpenReader("normalizer");
        byte[] record = new byte[30_000];
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                await log.AppendAsync(record, CancellationToken.None);
            }

            var read = Drain(reader);
            await reader.CompleteUntilAsync(read[^1].NextAddress, truncate: true, CancellationToken.None);
        }

        long written = 20L * 10 * record.Length;
        long onDisk = Directory.EnumerateFiles(dir.Path, "ingest.log*").Sum(SizeUnlessDeleted); // FASTER deletes segments in the background
        Assert.True(log.BeginAddress > 4 * (1 << 18), $"begin address {log.BeginAddress} did not move");
        Assert.True(onDisk < written / 4, $"{onDisk} bytes on disk after {written} bytes passed through");
    }

    private static long SizeUnlessDeleted(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task A_record_larger_than_a_page_is_refused_before_anything_is_written()
    {
        using var dir = new TempDirectory();
        await using var log = IngestLog.Open(dir.Path, new IngestLogOptions { PageSizeBits = 16, MemorySizeBits = 18, SegmentSizeBits = 18 });
        long tail = log.TailAddress;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.AppendAsync(new byte[70_000], CancellationToken.None).AsTask());
        Assert.Equal(tail, log.TailAddress);
    }

    [Fact]
    public async Task With_too_little_free_disk_appends_fail_instead_of_pretending_to_succeed()
    {
        using var dir = new TempDirectory();
        await using var log = IngestLog.Open(dir.Path, new IngestLogOptions { MinFreeDiskBytes = long.MaxValue });

        var failure = await Assert.ThrowsAsync<IngestLogUnavailableException>(() => log.AppendAsync(new byte[10], CancellationToken.None).AsTask());
        Assert.Contains("free on the data disk", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(log.UnavailableReason);
    }

    [Fact]
    public async Task Concurrent_appends_are_all_durable_and_distinct()
    {
        using var dir = new TempDirectory();
        await using (var log = IngestLog.Open(dir.Path))
        {
            var addresses = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => log.AppendAsync(Encoding.UTF8.GetBytes($"c{i}"), CancellationToken.None).AsTask()));
            Assert.Equal(500, addresses.Distinct().Count());
            Assert.All(addresses, a => Assert.True(a < log.CommittedUntilAddress));
        }

        await using var reopened = IngestLog.Open(dir.Path);
        using var reader = reopened.OpenReader("count");
        Assert.Equal(500, Drain(reader).Select(e => Encoding.UTF8.GetString(e.Payload.Span)).Distinct().Count());
    }

    private static List<IngestLogEntry> Drain(IngestLogReader reader)
    {
        var entries = new List<IngestLogEntry>();
        while (reader.TryRead(out var entry))
        {
            entries.Add(entry);
        }

        return entries;
    }
}

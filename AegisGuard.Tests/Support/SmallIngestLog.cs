using System.Text;
using AegisGuard.Storage.IngestLog;

namespace AegisGuard.Tests.Support;

/// <summary>
/// Ingest logs small enough for tests to fill pages and segments quickly (64 KiB pages, 256 KiB segments, no disk
/// guard), and the ways tests read them back.
/// </summary>
public static class SmallIngestLog
{
    /// <summary>Log2 of the segment size the options use.</summary>
    public const int SegmentBits = 18;

    /// <summary>Options for a small log; the optional parts are what individual fault tests turn.</summary>
    public static IngestLogOptions Options(long storedUntil = 0, bool acceptLoss = false, Action<long>? beforeCommitWrite = null, bool fastReopen = false) => new()
    {
        PageSizeBits = 16,
        MemorySizeBits = 18,
        SegmentSizeBits = SegmentBits,
        MinFreeDiskBytes = 0,
        StoredUntil = storedUntil,
        AcceptDataLoss = acceptLoss,
        BeforeCommitWrite = beforeCommitWrite,
        ReopenDelay = fastReopen ? TimeSpan.FromMilliseconds(50) : new IngestLogOptions().ReopenDelay,
        ReopenMaxDelay = fastReopen ? TimeSpan.FromMilliseconds(200) : new IngestLogOptions().ReopenMaxDelay,
    };

    /// <summary>A record of at least <paramref name="size"/> bytes that starts with <paramref name="label"/> and is padded with dots.</summary>
    public static byte[] Record(string label, int size)
    {
        var bytes = new byte[Math.Max(size, Encoding.UTF8.GetByteCount(label))];
        Array.Fill(bytes, (byte)'.');
        Encoding.UTF8.GetBytes(label).CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>Every record the reader has now, undisposed (the caller disposes them).</summary>
    public static List<IngestLogEntry> DrainEntries(IngestLogReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new List<IngestLogEntry>();
        while (reader.TryRead(out var entry))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Every record the reader has now as text (its first <paramref name="prefix"/> characters when given).</summary>
    public static List<string> DrainText(IngestLogReader reader, int? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var read = new List<string>();
        while (reader.TryRead(out var entry))
        {
            using (entry)
            {
                string text = Encoding.UTF8.GetString(entry.Payload.Span);
                read.Add(prefix is { } n && text.Length > n ? text[..n] : text);
            }
        }

        return read;
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// The log's segment files (<c>ingest.log.N</c>, each 2^SegmentSizeBits bytes of the address space) read directly,
/// without FASTER: to check at open that the durable range is really on disk, and to find the records written after a
/// commit by walking FASTER's PerEntry layout — 8-byte XOR checksum over (length + payload), 4-byte length (negative for
/// FASTER's own commit records, 0 for the padding at the end of a page), the payload padded to 4 bytes; a record never
/// spans pages, and the first record of page 0 is at address 64.
/// </summary>
internal sealed class IngestLogSegments(string directory, int pageSizeBits, int segmentSizeBits)
{
    public const string BaseName = "ingest.log";
    public const long FirstValidAddress = 64;
    private const int HeaderBytes = 12;

    private long PageSize => 1L << pageSizeBits;

    private long SegmentSize => 1L << segmentSizeBits;

    /// <summary>The base path FASTER's device is created with.</summary>
    public string DevicePath => Path.Combine(directory, BaseName);

    public string FileOf(long segment) => Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{BaseName}.{segment}"));

    public long SegmentOf(long address) => address >> segmentSizeBits;

    public long PageStart(long address) => address & ~(PageSize - 1);

    /// <summary>The first address of the page after the one holding <paramref name="address"/> (itself when it is a page start).</summary>
    public long PageEnd(long address) => address == PageStart(address) ? address : PageStart(address) + PageSize;

    /// <summary>Segment numbers of the files that exist, ascending.</summary>
    public IReadOnlyList<long> Existing()
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var segments = new List<long>();
        string prefix = BaseName + ".";
        foreach (string path in Directory.EnumerateFiles(directory, prefix + "*"))
        {
            if (long.TryParse(Path.GetFileName(path).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long segment))
            {
                segments.Add(segment);
            }
        }

        segments.Sort();
        return segments;
    }

    /// <summary>True when some segment file holds at least one byte.</summary>
    public bool HoldAnyData() => Existing().Any(s => LengthOf(s) > 0);

    /// <summary>Where a scan of whatever the segments hold can start: the first page of the first segment file.</summary>
    public long FirstAddress()
    {
        var existing = Existing();
        return existing.Count == 0 || existing[0] == 0 ? FirstValidAddress : existing[0] << segmentSizeBits;
    }

    /// <summary>
    /// Checks that every byte of [<paramref name="from"/>, <paramref name="until"/>) is in a segment file: each file
    /// covering it exists and is long enough (FASTER writes whole sectors, so a complete file is never shorter).
    /// </summary>
    public IReadOnlyList<SegmentDamage> FindDamage(long from, long until)
    {
        var damage = new List<SegmentDamage>();
        if (until <= from)
        {
            return damage;
        }

        for (long segment = SegmentOf(from); segment <= SegmentOf(until - 1); segment++)
        {
            long start = segment << segmentSizeBits;
            long needed = Math.Min(start + SegmentSize, until) - start;
            long length = LengthOf(segment);
            if (length >= needed)
            {
                continue;
            }

            long lostFrom = Math.Max(from, start + Math.Max(0, length));
            long lostTo = start + needed;
            string problem = length < 0
                ? "the segment file is missing"
                : string.Create(CultureInfo.InvariantCulture, $"the segment file is truncated to {length} bytes ({needed} needed)");
            damage.Add(new SegmentDamage(FileOf(segment), problem, lostFrom, lostTo, needed));
        }

        return damage;
    }

    /// <summary>
    /// Makes a damaged segment file exactly as long as the checked range needs, the missing part reading as zeros
    /// (sparse: no disk space is used). FASTER then reads zeroed pages, which it skips, instead of a short read that
    /// would leave an earlier page's bytes in its read buffer and hand them out again as records.
    /// </summary>
    public void FillWithZeros(SegmentDamage damage)
    {
        using var stream = new FileStream(damage.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        if (stream.Length < damage.NeededLength)
        {
            stream.SetLength(damage.NeededLength);
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Walks the records from <paramref name="from"/> (a record start) and returns the address after the last valid one
    /// and how many there were. Stops at the first record that is cut off, fails its checksum, has an impossible length,
    /// or at a page that was never written.
    /// </summary>
    public (long End, int Records) ScanValid(long from)
    {
        long address = from;
        long end = from;
        int records = 0;
        byte[] page = ArrayPool<byte>.Shared.Rent((int)PageSize);
        try
        {
            long loadedPage = -1;
            int loaded = 0;
            while (true)
            {
                long pageStart = PageStart(address);
                if (pageStart != loadedPage)
                {
                    loaded = ReadPage(pageStart, page);
                    loadedPage = pageStart;
                }

                int offset = (int)(address - pageStart);
                if (offset + HeaderBytes > PageSize)
                {
                    address = pageStart + PageSize; // no room for a header: FASTER moved on to the next page
                    continue;
                }

                if (offset + HeaderBytes > loaded)
                {
                    break;
                }

                int length = BinaryPrimitives.ReadInt32LittleEndian(page.AsSpan(offset + 8));
                if (length == 0)
                {
                    if (address == FirstRecordOf(pageStart))
                    {
                        break; // a page that was never written
                    }

                    address = pageStart + PageSize; // padding: the next record did not fit in this page
                    continue;
                }

                long body = Math.Abs((long)length);
                long size = HeaderBytes + ((body + 3) & ~3L);
                if (offset + size > PageSize || offset + HeaderBytes + body > loaded)
                {
                    break;
                }

                ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(offset));
                if (PerEntryChecksum.Xor(page.AsSpan(offset + 8, 4 + (int)body)) != checksum)
                {
                    break;
                }

                if (length > 0)
                {
                    records++;
                }

                address = offset + size == PageSize ? pageStart + PageSize : address + size;
                end = address;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(page);
        }

        return (end, records);
    }

    private long FirstRecordOf(long pageStart) => pageStart == 0 ? FirstValidAddress : pageStart;

    private long LengthOf(long segment)
    {
        var info = new FileInfo(FileOf(segment));
        return info.Exists ? info.Length : -1;
    }

    /// <summary>Reads the page at <paramref name="pageStart"/> into <paramref name="buffer"/>; returns how many bytes exist.</summary>
    private int ReadPage(long pageStart, byte[] buffer)
    {
        string path = FileOf(SegmentOf(pageStart));
        if (!File.Exists(path))
        {
            return 0;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long offset = pageStart & (SegmentSize - 1);
        int total = 0;
        while (total < PageSize)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(total, (int)PageSize - total), offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}

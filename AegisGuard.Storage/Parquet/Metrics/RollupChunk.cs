using System.Buffers.Binary;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// How one series' buckets at one resolution are packed into one <c>rollup_chunks</c> row: a chunk covers a fixed span
/// (1 m buckets → 1 h, 5 m → 6 h, 1 h → 1 day) and its BLOB holds one fixed-width little-endian record per present
/// bucket, ascending by slot. One row per bucket made a 24 h query read 138,720 rows × 11 cells one cell at a time
/// (63.5 % of the query, docs/benchmarks.md, issue #11); packed, it reads a few thousand rows and one BLOB each.
/// </summary>
/// <remarks>
/// <para>
/// The spans give 60, 72 and 24 buckets per chunk: enough that a 24 h query at 5 m reads ~5 rows per series, few enough
/// that the follower's read-modify-write of the current chunk at every step (each scrape touches one chunk per
/// resolution) rewrites ~4 KB per series rather than a day's 18 KB; and every span divides a day, so chunks start on
/// UTC midnights and never cross one (retention drops whole days: <see cref="MetricCatalog.DropDay"/>).
/// </para>
/// <para>
/// Record (<see cref="RecordSize"/> bytes): slot (u16, bucket = chunk start + slot × resolution), count (i32),
/// first_ms and last_ms as offsets from the bucket start (i32), then min, max, sum, first, last, resets (f64, raw IEEE
/// bits, so NaN round-trips). The 32-bit fields cannot overflow: a bucket's samples have distinct millisecond times
/// inside it, so count and offsets are below the resolution (at most 3.6 M).
/// </para>
/// </remarks>
internal static class RollupChunk
{
    /// <summary>Bytes per packed bucket.</summary>
    public const int RecordSize = 2 + 4 + 4 + 4 + (6 * 8);

    /// <summary>The span of the chunks of one resolution.</summary>
    public static long SpanOf(long resolutionMs) => resolutionMs switch
    {
        60_000 => 3_600_000,
        300_000 => 21_600_000,
        3_600_000 => 86_400_000,
        _ => throw new ArgumentOutOfRangeException(nameof(resolutionMs), resolutionMs, "rollups are kept at 1 minute, 5 minutes and 1 hour"),
    };

    /// <summary>Buckets per chunk at one resolution.</summary>
    public static int SlotsOf(long resolutionMs) => (int)(SpanOf(resolutionMs) / resolutionMs);

    /// <summary>The start of the chunk holding the bucket (or time) <paramref name="timeMs"/>.</summary>
    public static long StartOf(long timeMs, long resolutionMs) => RollupBucket.BucketOf(timeMs, SpanOf(resolutionMs));

    /// <summary>Present buckets in a packed chunk.</summary>
    public static int CountOf(ReadOnlySpan<byte> packed) => packed.Length / RecordSize;

    /// <summary>Present buckets of a packed chunk that start within [from, to], reading only their slots.</summary>
    public static int CountWithin(ReadOnlySpan<byte> packed, long chunkMs, long resolutionMs, long fromMs, long toMs)
    {
        int count = 0;
        for (int at = 0; at + RecordSize <= packed.Length; at += RecordSize)
        {
            long bucket = chunkMs + (BinaryPrimitives.ReadUInt16LittleEndian(packed[at..]) * resolutionMs);
            if (bucket >= fromMs && bucket <= toMs)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Appends the buckets of a packed chunk that start within [from, to] to <paramref name="into"/>, ascending.</summary>
    public static void Decode(ReadOnlySpan<byte> packed, long chunkMs, long resolutionMs, long fromMs, long toMs, List<(long BucketMs, RollupBucket Bucket)> into)
    {
        for (int at = 0; at + RecordSize <= packed.Length; at += RecordSize)
        {
            var record = packed.Slice(at, RecordSize);
            long bucket = chunkMs + (BinaryPrimitives.ReadUInt16LittleEndian(record) * resolutionMs);
            if (bucket >= fromMs && bucket <= toMs)
            {
                into.Add((bucket, Read(record, bucket)));
            }
        }
    }

    /// <summary>Fills <paramref name="slots"/> / <paramref name="present"/> (one entry per slot of the chunk) from a packed chunk.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, long chunkMs, long resolutionMs, RollupBucket[] slots, bool[] present)
    {
        for (int at = 0; at + RecordSize <= packed.Length; at += RecordSize)
        {
            var record = packed.Slice(at, RecordSize);
            int slot = BinaryPrimitives.ReadUInt16LittleEndian(record);
            if (slot >= slots.Length)
            {
                throw new InvalidDataException($"rollup chunk {chunkMs} at {resolutionMs} ms holds slot {slot} of {slots.Length}");
            }

            slots[slot] = Read(record, chunkMs + (slot * resolutionMs));
            present[slot] = true;
        }
    }

    /// <summary>Packs the present slots, ascending; the number packed is the row's present count.</summary>
    public static byte[] Pack(long chunkMs, long resolutionMs, RollupBucket[] slots, bool[] present, out int count)
    {
        count = 0;
        foreach (bool p in present)
        {
            count += p ? 1 : 0;
        }

        var packed = new byte[count * RecordSize];
        int at = 0;
        for (int slot = 0; slot < slots.Length; slot++)
        {
            if (present[slot])
            {
                Write(packed.AsSpan(at, RecordSize), slot, chunkMs + (slot * resolutionMs), resolutionMs, slots[slot]);
                at += RecordSize;
            }
        }

        return packed;
    }

    private static RollupBucket Read(ReadOnlySpan<byte> record, long bucketMs) => new()
    {
        Count = BinaryPrimitives.ReadInt32LittleEndian(record[2..]),
        FirstMs = bucketMs + BinaryPrimitives.ReadInt32LittleEndian(record[6..]),
        LastMs = bucketMs + BinaryPrimitives.ReadInt32LittleEndian(record[10..]),
        Min = BinaryPrimitives.ReadDoubleLittleEndian(record[14..]),
        Max = BinaryPrimitives.ReadDoubleLittleEndian(record[22..]),
        Sum = BinaryPrimitives.ReadDoubleLittleEndian(record[30..]),
        First = BinaryPrimitives.ReadDoubleLittleEndian(record[38..]),
        Last = BinaryPrimitives.ReadDoubleLittleEndian(record[46..]),
        Resets = BinaryPrimitives.ReadDoubleLittleEndian(record[54..]),
    };

    private static void Write(Span<byte> record, int slot, long bucketMs, long resolutionMs, in RollupBucket bucket)
    {
        long first = bucket.FirstMs - bucketMs;
        long last = bucket.LastMs - bucketMs;
        if (first < 0 || first >= resolutionMs || last < first || last >= resolutionMs || bucket.Count < 1 || bucket.Count > resolutionMs)
        {
            // The follower only builds buckets from samples inside them; anything else is a bug, not data to store.
            throw new InvalidOperationException(
                $"bucket {bucketMs} at {resolutionMs} ms has samples at {bucket.FirstMs}..{bucket.LastMs} and count {bucket.Count}");
        }

        BinaryPrimitives.WriteUInt16LittleEndian(record, checked((ushort)slot));
        BinaryPrimitives.WriteInt32LittleEndian(record[2..], (int)bucket.Count);
        BinaryPrimitives.WriteInt32LittleEndian(record[6..], (int)first);
        BinaryPrimitives.WriteInt32LittleEndian(record[10..], (int)last);
        BinaryPrimitives.WriteDoubleLittleEndian(record[14..], bucket.Min);
        BinaryPrimitives.WriteDoubleLittleEndian(record[22..], bucket.Max);
        BinaryPrimitives.WriteDoubleLittleEndian(record[30..], bucket.Sum);
        BinaryPrimitives.WriteDoubleLittleEndian(record[38..], bucket.First);
        BinaryPrimitives.WriteDoubleLittleEndian(record[46..], bucket.Last);
        BinaryPrimitives.WriteDoubleLittleEndian(record[54..], bucket.Resets);
    }
}

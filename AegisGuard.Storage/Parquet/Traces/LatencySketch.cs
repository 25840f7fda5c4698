namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// A mergeable latency histogram (DDSketch-style): bucket <c>i</c> holds the values in (γ^(i-1), γ^i] with
/// γ = (1 + α)/(1 − α), α = 1 %, and a quantile is answered by the bucket's midpoint 2γ^i/(γ + 1), which is within α of
/// every value in it. Bucket counts are integers, so sketches add and subtract exactly: the follower subtracts a trace's
/// previous contribution and adds its new one. Values ≤ 1 µs share bucket 0 (answered as the value 1 µs, or 0 when all
/// were 0).
/// </summary>
/// <remarks>
/// Buckets are kept as two parallel arrays sorted by index, not a <c>SortedDictionary</c>: the follower merges and
/// subtracts a sketch per trace and map cell, and the tree's node walks and allocations were in 4.5 % of the server's CPU samples
/// during span ingestion (issue #12). A merge of two sketches is one linear pass; adding a value is a binary search.
/// </remarks>
internal sealed class LatencySketch
{
    /// <summary>The relative error of every quantile the sketch answers.</summary>
    public const double RelativeError = 0.01;

    private static readonly double Gamma = (1 + RelativeError) / (1 - RelativeError);
    private static readonly double LogGamma = Math.Log(Gamma);

    private int[] indexes = [];
    private long[] counts = [];
    private int size;

    /// <summary>How many values the sketch holds.</summary>
    public long Count { get; private set; }

    /// <summary>Whether every bucket is empty.</summary>
    public bool IsEmpty => size == 0;

    public void Add(long micros, long count = 1) => AddBucket(Index(micros), count);

    /// <summary>Adds (sign 1) or subtracts (sign −1) every bucket of <paramref name="other"/>.</summary>
    public void Merge(LatencySketch other, int sign = 1)
    {
        if (other.size == 0)
        {
            return;
        }

        if (size == 0 && sign == 1)
        {
            indexes = other.indexes[..other.size];
            counts = other.counts[..other.size];
            size = other.size;
            Count += other.Count;
            return;
        }

        // Both sides are sorted: one merge pass, dropping buckets that cancel out.
        var mergedIndexes = new int[size + other.size];
        var mergedCounts = new long[size + other.size];
        int a = 0, b = 0, n = 0;
        while (a < size || b < other.size)
        {
            int index;
            long count;
            if (b >= other.size || (a < size && indexes[a] < other.indexes[b]))
            {
                (index, count) = (indexes[a], counts[a]);
                a++;
            }
            else if (a >= size || other.indexes[b] < indexes[a])
            {
                (index, count) = (other.indexes[b], sign * other.counts[b]);
                b++;
            }
            else
            {
                (index, count) = (indexes[a], counts[a] + (sign * other.counts[b]));
                a++;
                b++;
            }

            if (count != 0)
            {
                mergedIndexes[n] = index;
                mergedCounts[n] = count;
                n++;
            }
        }

        indexes = mergedIndexes;
        counts = mergedCounts;
        size = n;
        Count += sign * other.Count;
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/>, interpolated between ranks ⌊q·(n−1)⌋ and ⌈q·(n−1)⌉ as DuckDB's
    /// <c>quantile_cont</c> does; each rank's value is within <see cref="RelativeError"/> of the true one, so their
    /// weighted mean is within it of the exact answer too. Null when empty.
    /// </summary>
    public double? Quantile(double q)
    {
        if (Count <= 0)
        {
            return null;
        }

        double position = q * (Count - 1);
        long low = (long)Math.Floor(position);
        double lower = AtRank(low);
        double fraction = position - low;
        return fraction == 0 ? lower : lower + (fraction * (AtRank(low + 1) - lower));
    }

    /// <summary>Compact form: (zig-zag varint bucket delta, varint count) pairs.</summary>
    public byte[] ToBytes()
    {
        var output = new List<byte>(size * 3);
        int previous = 0;
        for (int i = 0; i < size; i++)
        {
            int index = indexes[i];
            long count = counts[i];
            WriteVarint(output, (ulong)(((long)(index - previous) << 1) ^ ((long)(index - previous) >> 63)));
            WriteVarint(output, (ulong)count);
            previous = index;
        }

        return output.ToArray();
    }

    public static LatencySketch FromBytes(ReadOnlySpan<byte> bytes)
    {
        var sketch = new LatencySketch();
        int at = 0, index = 0;
        while (at < bytes.Length)
        {
            ulong zig = ReadVarint(bytes, ref at);
            index += (int)((long)(zig >> 1) ^ -(long)(zig & 1));
            sketch.AddBucket(index, (long)ReadVarint(bytes, ref at));
        }

        return sketch;
    }

    private double AtRank(long rank)
    {
        long seen = 0;
        for (int i = 0; i < size; i++)
        {
            seen += counts[i];
            if (seen > rank)
            {
                return Value(indexes[i]);
            }
        }

        return Value(indexes[size - 1]);
    }

    private void AddBucket(int index, long count)
    {
        if (count == 0)
        {
            return;
        }

        // Appending in index order (FromBytes, ascending values) skips the search.
        int at = size > 0 && indexes[size - 1] < index ? ~size : Array.BinarySearch(indexes, 0, size, index);
        if (at >= 0)
        {
            counts[at] += count;
            if (counts[at] == 0)
            {
                Array.Copy(indexes, at + 1, indexes, at, size - at - 1);
                Array.Copy(counts, at + 1, counts, at, size - at - 1);
                size--;
            }
        }
        else
        {
            at = ~at;
            if (size == indexes.Length)
            {
                int capacity = Math.Max(8, size * 2);
                Array.Resize(ref indexes, capacity);
                Array.Resize(ref counts, capacity);
            }

            Array.Copy(indexes, at, indexes, at + 1, size - at);
            Array.Copy(counts, at, counts, at + 1, size - at);
            indexes[at] = index;
            counts[at] = count;
            size++;
        }

        Count += count;
    }

    private static int Index(long micros) => micros <= 1 ? (micros <= 0 ? -1 : 0) : (int)Math.Ceiling(Math.Log(micros) / LogGamma);

    private static double Value(int index) => index < 0 ? 0 : index == 0 ? 1 : 2 * Math.Pow(Gamma, index) / (Gamma + 1);

    private static void WriteVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

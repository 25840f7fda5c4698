namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// A mergeable latency histogram (DDSketch-style): bucket <c>i</c> holds the values in (γ^(i-1), γ^i] with
/// γ = (1 + α)/(1 − α), α = 1 %, and a quantile is answered by the bucket's midpoint 2γ^i/(γ + 1), which is within α of
/// every value in it. Bucket counts are integers, so sketches add and subtract exactly: the follower subtracts a trace's
/// previous contribution and adds its new one. Values ≤ 1 µs share bucket 0 (answered as the value 1 µs, or 0 when all
/// were 0).
/// </summary>
internal sealed class LatencySketch
{
    /// <summary>The relative error of every quantile the sketch answers.</summary>
    public const double RelativeError = 0.01;

    private static readonly double Gamma = (1 + RelativeError) / (1 - RelativeError);
    private static readonly double LogGamma = Math.Log(Gamma);

    private readonly SortedDictionary<int, long> buckets = [];

    /// <summary>How many values the sketch holds.</summary>
    public long Count { get; private set; }

    /// <summary>Whether every bucket is empty.</summary>
    public bool IsEmpty => buckets.Count == 0;

    public void Add(long micros, long count = 1) => AddBucket(Index(micros), count);

    /// <summary>Adds (sign 1) or subtracts (sign −1) every bucket of <paramref name="other"/>.</summary>
    public void Merge(LatencySketch other, int sign = 1)
    {
        foreach (var (index, count) in other.buckets)
        {
            AddBucket(index, sign * count);
        }
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
        var output = new List<byte>(buckets.Count * 3);
        int previous = 0;
        foreach (var (index, count) in buckets)
        {
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
        foreach (var (index, count) in buckets)
        {
            seen += count;
            if (seen > rank)
            {
                return Value(index);
            }
        }

        return Value(buckets.Keys.Last());
    }

    private void AddBucket(int index, long count)
    {
        if (count == 0)
        {
            return;
        }

        long now = buckets.GetValueOrDefault(index) + count;
        if (now == 0)
        {
            buckets.Remove(index);
        }
        else
        {
            buckets[index] = now;
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

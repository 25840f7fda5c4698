namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The aggregate of one series' samples in one bucket, or of a part of them: two parts merge exactly when one lies
/// wholly before the other, which is what lets the follower add each flush's samples without reading the bucket's
/// earlier ones. Min and max ignore NaN unless every sample is NaN (as min_over_time/max_over_time do); the sum
/// carries NaN. <see cref="Resets"/> is the sum of the values before each drop, so the counter increase is
/// <c>last - first + resets</c>, computed as Prometheus' rate/increase do (a comparison with NaN is no drop).
/// </summary>
internal struct RollupBucket
{
    public double Min;
    public double Max;
    public double Sum;
    public long Count;
    public double First;
    public long FirstMs;
    public double Last;
    public long LastMs;
    public double Resets;

    public readonly double Increase => Last - First + Resets;

    public static RollupBucket Of(long timeMs, double value) => new()
    {
        Min = value,
        Max = value,
        Sum = value,
        Count = 1,
        First = value,
        FirstMs = timeMs,
        Last = value,
        LastMs = timeMs,
        Resets = 0,
    };

    /// <summary>Adds a sample later than every sample so far.</summary>
    public void Add(long timeMs, double value)
    {
        Min = MinOf(Min, value);
        Max = MaxOf(Max, value);
        Sum += value;
        Count++;
        if (value < Last)
        {
            Resets += Last;
        }

        Last = value;
        LastMs = timeMs;
    }

    /// <summary>The aggregate of <paramref name="earlier"/>'s samples followed by <paramref name="later"/>'s.</summary>
    public static RollupBucket Merge(in RollupBucket earlier, in RollupBucket later) => new()
    {
        Min = MinOf(earlier.Min, later.Min),
        Max = MaxOf(earlier.Max, later.Max),
        Sum = earlier.Sum + later.Sum,
        Count = earlier.Count + later.Count,
        First = earlier.First,
        FirstMs = earlier.FirstMs,
        Last = later.Last,
        LastMs = later.LastMs,
        // The drop (if any) between the two parts counts like a drop inside one.
        Resets = earlier.Resets + later.Resets + (later.First < earlier.Last ? earlier.Last : 0),
    };

    /// <summary>Aggregates of <paramref name="values"/> (ascending, distinct times) per bucket of <paramref name="resolutionMs"/>.</summary>
    public static List<(long BucketMs, RollupBucket Bucket)> Aggregate(IReadOnlyList<long> times, IReadOnlyList<double> values, long resolutionMs)
    {
        var buckets = new List<(long, RollupBucket)>();
        long current = long.MinValue;
        var bucket = default(RollupBucket);
        for (int i = 0; i < times.Count; i++)
        {
            long start = BucketOf(times[i], resolutionMs);
            if (start != current)
            {
                if (current != long.MinValue)
                {
                    buckets.Add((current, bucket));
                }

                current = start;
                bucket = Of(times[i], values[i]);
            }
            else
            {
                bucket.Add(times[i], values[i]);
            }
        }

        if (current != long.MinValue)
        {
            buckets.Add((current, bucket));
        }

        return buckets;
    }

    /// <summary>The start of the bucket holding <paramref name="timeMs"/> (floor, also before 1970).</summary>
    public static long BucketOf(long timeMs, long resolutionMs)
    {
        long start = timeMs / resolutionMs * resolutionMs;
        return start > timeMs ? start - resolutionMs : start;
    }

    private static double MinOf(double a, double b) => double.IsNaN(a) || b < a ? b : a;

    private static double MaxOf(double a, double b) => double.IsNaN(a) || b > a ? b : a;
}

using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// What a range function needs of one series' window [start, end], combined from the rollup buckets that start in
/// [start, end) (all whole, as start and end are multiples of the resolution) and the first sample of the bucket
/// starting at end when it lies exactly on end. Only built from buckets whose sums are finite (no NaN, ±Inf or stale
/// marker), so min/max/count/first/last are exactly those of the raw window.
/// </summary>
internal readonly record struct RollupWindow(
    long Count, long FirstMs, double FirstValue, long LastMs, double LastValue, double Min, double Max, double Sum, double Corrections)
{
    /// <summary>The window of <paramref name="series"/> for [<paramref name="startMs"/>, <paramref name="endMs"/>]; false when it has no sample.</summary>
    public static bool TryOf(MetricRollupSeries series, long startMs, long endMs, out RollupWindow window)
    {
        var starts = series.BucketStartMs;
        int lo = LowerBound(starts, startMs);
        int hi = LowerBound(starts, endMs);
        bool edge = hi < starts.Length && starts[hi] == endMs && series.FirstMs[hi] == endMs;
        if (lo == hi && !edge)
        {
            window = default;
            return false;
        }

        long count = 0;
        double min = double.NaN, max = double.NaN, sum = 0, compensation = 0, corrections = 0;
        bool any = false;
        double previousLast = 0;
        for (int i = lo; i < hi; i++)
        {
            count += series.Count[i];
            (sum, compensation) = KahanInc(series.Sum[i], sum, compensation);
            min = any ? MinOf(min, series.Min[i]) : series.Min[i];
            max = any ? MaxOf(max, series.Max[i]) : series.Max[i];

            // Counter corrections as extrapolatedRate adds them: the value before every drop, inside a bucket
            // (Increase - (Last - First) is exactly 0 for a bucket without one) and between two buckets.
            double inside = series.Increase[i] - (series.Last[i] - series.First[i]);
            if (inside != 0)
            {
                corrections += inside;
            }

            if (any && series.First[i] < previousLast)
            {
                corrections += previousLast;
            }

            previousLast = series.Last[i];
            any = true;
        }

        long firstMs = any ? series.FirstMs[lo] : endMs;
        double firstValue = any ? series.First[lo] : series.First[hi];
        long lastMs = any ? series.LastMs[hi - 1] : 0;
        double lastValue = any ? series.Last[hi - 1] : 0;
        if (edge)
        {
            double value = series.First[hi];
            count++;
            (sum, compensation) = KahanInc(value, sum, compensation);
            min = any ? MinOf(min, value) : value;
            max = any ? MaxOf(max, value) : value;
            if (any && value < previousLast)
            {
                corrections += previousLast;
            }

            lastMs = endMs;
            lastValue = value;
        }

        window = new RollupWindow(count, firstMs, firstValue, lastMs, lastValue, min, max, double.IsInfinity(sum) ? sum : sum + compensation, corrections);
        return true;
    }

    // Prometheus' min_over_time/max_over_time rule: a NaN so far is replaced by anything.
    private static double MinOf(double m, double v) => v < m || double.IsNaN(m) ? v : m;

    private static double MaxOf(double m, double v) => v > m || double.IsNaN(m) ? v : m;

    private static (double Sum, double C) KahanInc(double inc, double sum, double c)
    {
        double t = sum + inc;
        if (Math.Abs(sum) >= Math.Abs(inc))
        {
            c += (sum - t) + inc;
        }
        else
        {
            c += (inc - t) + sum;
        }

        return (t, c);
    }

    private static int LowerBound(long[] values, long target)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < target)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

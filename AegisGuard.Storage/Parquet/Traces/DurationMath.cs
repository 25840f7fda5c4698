using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>Percentiles and log-spaced buckets computed the same way in C# (trace durations) and in SQL (span durations).</summary>
internal static class DurationMath
{
    public static readonly (string Name, double Quantile)[] Percentiles = [("p50", 0.5), ("p75", 0.75), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)];

    /// <summary>Linear interpolation between closest ranks, as DuckDB's quantile_cont: position q·(n−1) of the sorted values.</summary>
    public static double Quantile(IReadOnlyList<long> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        double fraction = position - lower;
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * fraction);
    }

    /// <summary>
    /// Bucket edges from <paramref name="min"/> to <paramref name="max"/> (µs, durations under 1 µs count as 1 µs) spaced
    /// evenly on a log scale; one bucket when all durations are equal.
    /// </summary>
    public static double[] Edges(long min, long max, int buckets)
    {
        double low = Math.Log(Math.Max(min, 1));
        double high = Math.Log(Math.Max(max, 1));
        if (high <= low)
        {
            return [Math.Max(min, 1), Math.Max(max, 1)];
        }

        var edges = new double[buckets + 1];
        for (int i = 0; i <= buckets; i++)
        {
            edges[i] = Math.Exp(low + ((high - low) * i / buckets));
        }

        edges[0] = Math.Max(min, 1);
        edges[buckets] = Math.Max(max, 1);
        return edges;
    }

    /// <summary>The bucket of <paramref name="micros"/> among <paramref name="edges"/> (the last bucket includes its upper edge).</summary>
    public static int BucketOf(double[] edges, long micros)
    {
        double value = Math.Max(micros, 1);
        int index = Array.BinarySearch(edges, value);
        int bucket = index >= 0 ? index : ~index - 1;
        return Math.Clamp(bucket, 0, edges.Length - 2);
    }

    public static DurationDistribution Distribution(List<long> durations, int buckets, IReadOnlyList<string> warnings)
    {
        durations.Sort();
        if (durations.Count == 0)
        {
            return new DurationDistribution { Count = 0, Percentiles = new Dictionary<string, double>(), Histogram = [], Warnings = warnings };
        }

        var edges = Edges(durations[0], durations[^1], buckets);
        var counts = new long[edges.Length - 1];
        foreach (long d in durations)
        {
            counts[BucketOf(edges, d)]++;
        }

        return new DurationDistribution
        {
            Count = durations.Count,
            Percentiles = Percentiles.ToDictionary(p => p.Name, p => Quantile(durations, p.Quantile)),
            Histogram = counts.Select((c, i) => new DurationBucket(edges[i], edges[i + 1], c)).ToList(),
            Warnings = warnings,
        };
    }
}

using AegisGuard.Query.PromQl;
using AegisGuard.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Runs one query twice over the same store, once with rollups allowed and once forced raw, and says where the answers
/// differ: bit for bit (NaN equal to NaN) or within a relative tolerance.
/// </summary>
public static class RollupEquality
{
    public static readonly string[] Windows = ["1m", "5m", "1h"];

    public static readonly long[] StepsMs = [60_000, 300_000, 3_600_000];

    /// <summary>Queries whose rollup answer must be bit-identical to the raw one.</summary>
    public static IEnumerable<string> ExactQueries()
    {
        foreach (string w in Windows)
        {
            foreach (string f in new[] { "min_over_time", "max_over_time", "count_over_time", "last_over_time", "present_over_time", "delta" })
            {
                yield return $"{f}(g[{w}])";
            }

            yield return $"rate(http_requests_total{{resets=\"none\"}}[{w}])";
            yield return $"increase(http_requests_total{{resets=\"none\"}}[{w}])";
            yield return $"count_over_time(http_requests_total[{w}])";
        }

        yield return "max_over_time(g[1h])";
        yield return "rate(http_requests_total{resets=\"none\"}[5m] offset 1h)";
        yield return "last_over_time(g[5m] @ end())";
        yield return "max_over_time(rate(http_requests_total{resets=\"none\"}[5m])[1h:5m])";
    }

    /// <summary>Queries whose rollup answer may differ from the raw one by float rounding only.</summary>
    public static IEnumerable<string> RoundedQueries()
    {
        foreach (string w in Windows)
        {
            yield return $"rate(http_requests_total[{w}])";
            yield return $"increase(http_requests_total[{w}])";
            yield return $"sum_over_time(g[{w}])";
            yield return $"avg_over_time(g[{w}])";
        }

        yield return "sum by (service) (rate(http_requests_total[5m]))";
        yield return "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))";
        yield return "histogram_quantile(0.5, rate(x_bucket[1h]))";
        yield return "sum by (service) (increase(x_count[1h])) / sum by (service) (increase(x_sum[1h]))";
    }

    public static PromQlEngine Engine(IMetricStore store, bool useRollups) =>
        new(store, Options.Create(new PromQlOptions { UseRollups = useRollups }));

    /// <summary>
    /// Evaluates <paramref name="query"/> as a range query both ways; returns the differences (empty: the same), the
    /// number of points compared and the rollup run's reads.
    /// </summary>
    public static async Task<(List<string> Differences, int Points, IReadOnlyList<PromQlSelectorRead> Reads)> CompareAsync(
        IMetricStore store, int orgId, string query, long startMs, long endMs, long stepMs, double tolerance)
    {
        var rolled = await Engine(store, useRollups: true).RangeAsync(orgId, query, startMs, endMs, stepMs, CancellationToken.None);
        var raw = await Engine(store, useRollups: false).RangeAsync(orgId, query, startMs, endMs, stepMs, CancellationToken.None);
        Assert.All(raw.Reads, r => Assert.Null(r.RollupResolutionMs));
        var differences = new List<string>();
        string where = $"{query} step {stepMs / 1000}s";
        var want = raw.Matrix.ToDictionary(s => Key(s.Labels), StringComparer.Ordinal);
        var got = rolled.Matrix.ToDictionary(s => Key(s.Labels), StringComparer.Ordinal);
        foreach (string missing in want.Keys.Except(got.Keys))
        {
            differences.Add($"{where}: rollups lack series {missing}");
        }

        foreach (string extra in got.Keys.Except(want.Keys))
        {
            differences.Add($"{where}: rollups add series {extra}");
        }

        int points = 0;
        foreach (var (key, w) in want)
        {
            if (!got.TryGetValue(key, out var g))
            {
                continue;
            }

            if (!w.TimestampsMs.AsSpan().SequenceEqual(g.TimestampsMs))
            {
                differences.Add($"{where} {key}: raw has points at {w.TimestampsMs.Length} steps, rollups at {g.TimestampsMs.Length}");
                continue;
            }

            for (int i = 0; i < w.Values.Length; i++)
            {
                points++;
                if (!Same(w.Values[i], g.Values[i], tolerance))
                {
                    differences.Add($"{where} {key} @ {w.TimestampsMs[i]}: raw {w.Values[i]:R}, rollups {g.Values[i]:R}");
                }
            }
        }

        return (differences, points, rolled.Reads);
    }

    public static bool Same(double a, double b, double tolerance)
    {
        if (double.IsNaN(a) || double.IsNaN(b))
        {
            return double.IsNaN(a) && double.IsNaN(b);
        }

        if (tolerance == 0 || double.IsInfinity(a) || double.IsInfinity(b))
        {
            return BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
        }

        return Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b));
    }

    private static string Key(MetricLabel[] labels) => "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";
}

using System.Globalization;
using System.Text;
using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// Decides, per range function over a matrix selector, whether the store's rollup buckets can answer it exactly like
/// raw samples would. Prometheus 2.x windows are [t - r, t], both ends inclusive: when t and r are multiples of a
/// resolution, the window is exactly the whole buckets [t - r, t) plus the first sample of the bucket starting at t when
/// that sample lies on t. So only functions computable from per-bucket min, max, sum, count, first/last sample and
/// counter increase qualify, and only when every evaluation time of the selector is aligned.
/// </summary>
internal static class PromQlRollupPlanner
{
    /// <summary>Coarsest first: the coarser the buckets, the fewer to read and combine.</summary>
    public static readonly long[] ResolutionsMs = [3_600_000, 300_000, 60_000];

    // irate/idelta/deriv/resets/changes/quantile/stddev/stdvar need every sample; absent_over_time and predict_linear are
    // left to raw samples too (rarely over long ranges, and not worth a second code path).
    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "rate", "increase", "delta",
        "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "avg_over_time", "last_over_time", "present_over_time",
    };

    /// <summary>Whether <paramref name="function"/> can be computed from rollup buckets.</summary>
    public static bool Answers(string function) => Functions.Contains(function);

    /// <summary>
    /// The coarsest resolution that divides the window and every time the selector is evaluated at (the evaluation
    /// times shifted by the offset, or the pinned <c>@</c> time), or null when none does.
    /// </summary>
    /// <param name="rangeMs">The window, e.g. 300,000 for <c>[5m]</c>.</param>
    /// <param name="times">The times the enclosing expression is evaluated at.</param>
    /// <param name="offsetMs">The selector's offset.</param>
    /// <param name="pinnedMs">The selector's <c>@</c> time, if it has one.</param>
    public static long? Choose(long rangeMs, PromQlEvaluationTimes times, long offsetMs, long? pinnedMs)
    {
        if (rangeMs <= 0)
        {
            return null;
        }

        var references = pinnedMs is { } pinned ? new PromQlEvaluationTimes(pinned - offsetMs, 0) : times with { FirstMs = times.FirstMs - offsetMs };
        foreach (long resolution in ResolutionsMs)
        {
            if (rangeMs % resolution == 0 && references.FirstMs % resolution == 0 && references.StepMs % resolution == 0)
            {
                return resolution;
            }
        }

        return null;
    }

    /// <summary>The selector as it would be written in a query, for <see cref="PromQlSelectorRead"/>.</summary>
    public static string Describe(VectorSelector selector, long? rangeMs)
    {
        var text = new StringBuilder();
        var name = selector.Matchers.FirstOrDefault(m => m.Name == PromQlLabels.MetricName && m.Type == LabelMatchType.Equal);
        if (name is not null)
        {
            text.Append(name.Value);
        }

        var others = selector.Matchers.Where(m => !ReferenceEquals(m, name)).ToList();
        if (others.Count > 0 || name is null)
        {
            text.Append('{').AppendJoin(", ", others.Select(m => m.Name + Operator(m.Type) + Quote(m.Value))).Append('}');
        }

        if (rangeMs is { } range)
        {
            text.Append('[').Append(Duration(range)).Append(']');
        }

        if (selector.At is { } at)
        {
            text.Append(" @ ").Append(at.Kind switch
            {
                AtKind.Start => "start()",
                AtKind.End => "end()",
                _ => (at.TimestampMs / 1000.0).ToString("0.###", CultureInfo.InvariantCulture),
            });
        }

        if (selector.OffsetMs != 0)
        {
            text.Append(" offset ").Append(selector.OffsetMs < 0 ? "-" : string.Empty).Append(Duration(Math.Abs(selector.OffsetMs)));
        }

        return text.ToString();
    }

    private static string Operator(LabelMatchType type) => type switch
    {
        LabelMatchType.Equal => "=",
        LabelMatchType.NotEqual => "!=",
        LabelMatchType.Regex => "=~",
        _ => "!~",
    };

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Duration(long ms)
    {
        if (ms == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        foreach (var (unit, size) in new[] { ("d", 86_400_000L), ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L), ("ms", 1L) })
        {
            if (ms >= size)
            {
                text.Append(ms / size).Append(unit);
                ms %= size;
            }
        }

        return text.ToString();
    }
}

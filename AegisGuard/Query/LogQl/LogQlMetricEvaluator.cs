using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Query.LogQl;

/// <summary>
/// Evaluates metric queries the way Prometheus evaluates a range query: at every step <c>t</c> from start to end,
/// a range function looks at the lines with time in <c>(t − range, t]</c>. Storage does the heavy part in one
/// GROUP BY (lines per group and fine time bucket, the bucket being gcd(step, range) wide); the windows, rates and
/// the aggregations across series (sum/avg/min/max/count by or without, topk/bottomk) are computed here. As in
/// Loki, a series has no point at a step whose window holds no line.
/// </summary>
public sealed class LogQlMetricEvaluator(LogQueryStore store)
{
    /// <summary>Points per series, as Prometheus limits them.</summary>
    public const int MaxPoints = 11_000;

    /// <summary>Fine buckets per series (range and step far from multiples of each other need many).</summary>
    public const long MaxBuckets = 500_000;

    /// <summary>Series a range function may produce.</summary>
    public const int MaxSeries = 10_000;

    private const long TicksPerMicrosecond = TimeSpan.TicksPerMicrosecond;

    /// <summary>Evaluates <paramref name="expr"/> for <paramref name="orgId"/> at start, start + step, …, ≤ end.</summary>
    /// <exception cref="LogQlSyntaxException">The query asks for more points, buckets or series than allowed.</exception>
    public async Task<LogQlMatrix> EvaluateAsync(MetricExpr expr, int orgId, DateTime start, DateTime end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expr);
        if (step < TimeSpan.FromMilliseconds(1))
        {
            throw new LogQlSyntaxException("the step must be at least 1ms", expr.Column);
        }

        long points = end < start ? 0 : ((end - start).Ticks / step.Ticks) + 1;
        if (points > MaxPoints)
        {
            throw new LogQlSyntaxException(
                $"the range and step ask for {points} points per series; at most {MaxPoints} are allowed — use a larger step", expr.Column);
        }

        var context = new Context(orgId, start, step, (int)points);
        var series = points == 0 ? [] : await EvaluateAsync(expr, parent: null, context, cancellationToken);
        return new LogQlMatrix(start, step, (int)points, series.OrderBy(s => Key(s.Labels), StringComparer.Ordinal).ToList(), context.RowsScanned, context.FilesRead)
        {
            Damaged = context.Damaged,
        };
    }

    private async Task<List<LogQlSeries>> EvaluateAsync(MetricExpr expr, VectorAggregationExpr? parent, Context context, CancellationToken cancellationToken) => expr switch
    {
        RangeAggregationExpr range => await EvaluateRangeAsync(range, parent, context, cancellationToken),
        VectorAggregationExpr { Operator: VectorOperator.Topk or VectorOperator.Bottomk } vector =>
            SelectTop(vector, await EvaluateAsync(vector.Inner, vector, context, cancellationToken), context.Points),
        VectorAggregationExpr vector => Aggregate(vector, await EvaluateAsync(vector.Inner, vector, context, cancellationToken), context.Points),
        _ => throw new ArgumentOutOfRangeException(nameof(expr), expr.GetType().Name, "unknown metric expression"),
    };

    private async Task<List<LogQlSeries>> EvaluateRangeAsync(RangeAggregationExpr range, VectorAggregationExpr? parent, Context context, CancellationToken cancellationToken)
    {
        long stepUs = context.Step.Ticks / TicksPerMicrosecond;
        long rangeUs = range.Range.Ticks / TicksPerMicrosecond;
        if (rangeUs < 1 || stepUs < 1)
        {
            throw new LogQlSyntaxException("range and step must be at least 1µs", range.Column);
        }

        if (range.Range.Ticks >= context.Start.Ticks)
        {
            // The first window would begin before the year 1, which no date (and no stored line) has.
            throw new LogQlSyntaxException($"a range of {range.Range} reaches back before the year 1; use a shorter range", range.Column);
        }

        long width = Gcd(stepUs, rangeUs);
        long buckets = (((context.Points - 1) * stepUs) + rangeUs) / width;
        if (buckets > MaxBuckets)
        {
            throw new LogQlSyntaxException(
                $"a range of {range.Range} with a step of {context.Step} needs {buckets} time buckets per series (at most {MaxBuckets}); " +
                "use a range that is a multiple of the step", range.Column);
        }

        var labels = LeafLabels(parent);
        var parser = LogQlPlanner.LastParser(range.Query);
        var origin = context.Start - range.Range;
        var end = context.Start + (context.Step * (context.Points - 1));
        var filter = LogQlPlanner.PlanFilter(range.Query, context.OrgId, origin.AddTicks(TicksPerMicrosecond), end.AddTicks(TicksPerMicrosecond));
        var result = await store.AggregateAsync(new LogAggregationRequest
        {
            Filter = filter,
            GroupBy = labels.Select(l => LogQlPlanner.Resolve(l, parser)).ToList(),
            Measure = range.Function is RangeFunction.BytesOverTime or RangeFunction.BytesRate ? LogMeasure.Bytes : LogMeasure.Count,
            BucketOrigin = origin,
            BucketWidth = TimeSpan.FromTicks(width * TicksPerMicrosecond),
            RightClosedBuckets = true,
            MaxRows = 2_000_000,
        }, cancellationToken);
        context.RowsScanned += result.RowsScanned;
        context.FilesRead += result.FilesRead;
        context.Damaged.AddRange(result.Damaged);
        if (result.Truncated)
        {
            throw new LogQlSyntaxException("the query produces too many series × time buckets; group by fewer labels or use a larger step", range.Column);
        }

        var sums = new Dictionary<string, (SortedDictionary<string, string> Labels, double[] Buckets)>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            // One grouping label (or none) is the common case: its value is the key, with no string built per row.
            string key = row.Labels.Count switch
            {
                0 => string.Empty,
                1 => row.Labels[0],
                _ => string.Join('\u0001', row.Labels),
            };
            if (!sums.TryGetValue(key, out var entry))
            {
                if (sums.Count >= MaxSeries)
                {
                    throw new LogQlSyntaxException($"the query produces more than {MaxSeries} series; group by fewer labels", range.Column);
                }

                var dictionary = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < labels.Count; i++)
                {
                    if (row.Labels[i].Length > 0)
                    {
                        dictionary[labels[i]] = row.Labels[i];
                    }
                }

                entry = (dictionary, new double[buckets]);
                sums[key] = entry;
            }

            if (row.Bucket >= 0 && row.Bucket < buckets)
            {
                entry.Buckets[row.Bucket] += row.Value;
            }
        }

        bool perSecond = range.Function is RangeFunction.Rate or RangeFunction.BytesRate;
        double seconds = range.Range.TotalSeconds;
        long stepBuckets = stepUs / width, rangeBuckets = rangeUs / width;
        var series = new List<LogQlSeries>(sums.Count);
        foreach (var (labelSet, counts) in sums.Values)
        {
            var prefix = new double[counts.Length + 1];
            for (int i = 0; i < counts.Length; i++)
            {
                prefix[i + 1] = prefix[i] + counts[i];
            }

            var values = new double?[context.Points];
            bool any = false;
            for (int j = 0; j < context.Points; j++)
            {
                long low = j * stepBuckets;
                double total = prefix[low + rangeBuckets] - prefix[low];
                if (total > 0)
                {
                    values[j] = perSecond ? total / seconds : total;
                    any = true;
                }
            }

            if (any)
            {
                series.Add(new LogQlSeries(labelSet, values));
            }
        }

        return series;
    }

    /// <summary>
    /// The labels a range function must group by for its parent: sum by (x) needs only x (sums add up);
    /// other aggregations and topk need each stream (service, level, host) plus any grouping labels.
    /// </summary>
    internal static IReadOnlyList<string> LeafLabels(VectorAggregationExpr? parent)
    {
        if (parent is null)
        {
            return LogQlPlanner.StreamLabels;
        }

        var grouping = parent.Grouping;
        if (parent.Operator == VectorOperator.Sum && grouping is { Without: false })
        {
            return grouping.Labels.Distinct(StringComparer.Ordinal).ToList();
        }

        if (parent.Operator == VectorOperator.Sum && grouping is null)
        {
            return [];
        }

        return grouping is { Without: false }
            ? LogQlPlanner.StreamLabels.Concat(grouping.Labels).Distinct(StringComparer.Ordinal).ToList()
            : LogQlPlanner.StreamLabels;
    }

    private static List<LogQlSeries> Aggregate(VectorAggregationExpr vector, List<LogQlSeries> inner, int points)
    {
        var groups = new Dictionary<string, (SortedDictionary<string, string> Labels, List<LogQlSeries> Members)>(StringComparer.Ordinal);
        foreach (var series in inner)
        {
            var labels = GroupLabels(series.Labels, vector.Grouping);
            string key = Key(labels);
            if (!groups.TryGetValue(key, out var group))
            {
                group = (labels, []);
                groups[key] = group;
            }

            group.Members.Add(series);
        }

        var result = new List<LogQlSeries>(groups.Count);
        foreach (var (labels, members) in groups.Values)
        {
            var values = new double?[points];
            bool any = false;
            for (int j = 0; j < points; j++)
            {
                double sum = 0, min = double.MaxValue, max = double.MinValue;
                int count = 0;
                foreach (var member in members)
                {
                    if (member.Values[j] is { } value)
                    {
                        sum += value;
                        min = Math.Min(min, value);
                        max = Math.Max(max, value);
                        count++;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                any = true;
                values[j] = vector.Operator switch
                {
                    VectorOperator.Sum => sum,
                    VectorOperator.Avg => sum / count,
                    VectorOperator.Min => min,
                    VectorOperator.Max => max,
                    _ => count,
                };
            }

            if (any)
            {
                result.Add(new LogQlSeries(labels, values));
            }
        }

        return result;
    }

    private static List<LogQlSeries> SelectTop(VectorAggregationExpr vector, List<LogQlSeries> inner, int points)
    {
        bool top = vector.Operator == VectorOperator.Topk;
        var selected = inner.Select(s => new double?[points]).ToArray();
        var groups = inner.Select((s, i) => (Key: Key(GroupLabels(s.Labels, vector.Grouping)), Index: i))
            .GroupBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(m => m.Index).ToList())
            .ToList();
        for (int j = 0; j < points; j++)
        {
            foreach (var members in groups)
            {
                int step = j;
                var candidates = members.Where(i => inner[i].Values[step].HasValue);
                var ordered = top
                    ? candidates.OrderByDescending(i => inner[i].Values[step]!.Value).ThenBy(i => Key(inner[i].Labels), StringComparer.Ordinal)
                    : candidates.OrderBy(i => inner[i].Values[step]!.Value).ThenBy(i => Key(inner[i].Labels), StringComparer.Ordinal);
                foreach (int i in ordered.Take(vector.K))
                {
                    selected[i][j] = inner[i].Values[j];
                }
            }
        }

        return inner.Select((s, i) => new LogQlSeries(s.Labels, selected[i]))
            .Where(s => s.Values.Any(v => v.HasValue))
            .ToList();
    }

    private static SortedDictionary<string, string> GroupLabels(SortedDictionary<string, string> labels, GroupingExpr? grouping)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (grouping is null)
        {
            return result;
        }

        foreach (var (name, value) in labels)
        {
            if (grouping.Labels.Contains(name, StringComparer.Ordinal) != grouping.Without)
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static string Key(SortedDictionary<string, string> labels) =>
        string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private sealed class Context(int orgId, DateTime start, TimeSpan step, int points)
    {
        public int OrgId => orgId;

        public DateTime Start => start;

        public TimeSpan Step => step;

        public int Points => points;

        public long RowsScanned { get; set; }

        public int FilesRead { get; set; }

        public List<DamagedFile> Damaged { get; } = [];
    }
}

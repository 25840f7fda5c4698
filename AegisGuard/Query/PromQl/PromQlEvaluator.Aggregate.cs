using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>Aggregation operators, ported from Prometheus 2.42's evaluator.aggregation (same update order, so same rounding).</summary>
internal sealed partial class PromQlEvaluator
{
    private sealed class Group(MetricLabel[] labels, double value)
    {
        public MetricLabel[] Labels { get; } = labels;

        public double Value { get; set; } = value;

        public double Mean { get; set; } = value;

        public long Count { get; set; } = 1;

        public List<PromQlSample> Members { get; } = [];
    }

    private List<PromQlSample> Aggregate(AggregateExpr g, long ts)
    {
        var vector = (List<PromQlSample>)Eval(g.Expr, ts);
        object? param = g.Param is null ? null : Eval(g.Param, ts);
        var grouping = new List<string>(g.Grouping);
        long k = 0;
        if (g.Op is "topk" or "bottomk")
        {
            double f = (double)param!;
            if (double.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18)
            {
                throw new PromQlExecutionException($"Scalar value {PromQlFloat.Format(f)} overflows int64");
            }

            k = (long)f;
            if (k < 1)
            {
                return [];
            }
        }

        string valueLabel = string.Empty;
        if (g.Op == "count_values")
        {
            valueLabel = ((StringValue)param!).Value;
            if (!IsLabelName(valueLabel))
            {
                throw new PromQlExecutionException($"invalid label name \"{valueLabel}\"");
            }

            if (!g.Without)
            {
                grouping.Add(valueLabel);
            }
        }

        var names = new HashSet<string>(grouping, StringComparer.Ordinal);
        var withoutNames = new HashSet<string>(names, StringComparer.Ordinal) { PromQlLabels.MetricName };
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var ordered = new List<Group>();
        MetricLabel[] Group(MetricLabel[] metric) => g.Without
            ? PromQlLabels.Without(metric, withoutNames)
            : names.Count > 0 ? PromQlLabels.Keep(metric, names) : PromQlLabels.Empty;

        foreach (var sample in vector)
        {
            var metric = sample.Labels;
            if (g.Op == "count_values")
            {
                metric = PromQlLabels.Set(metric, valueLabel, PromQlFloat.Format(sample.Value));
            }

            // count_values makes a new label set per sample: nothing to remember for it.
            MetricLabel[] groupLabels = g.Op == "count_values"
                ? Group(metric)
                : _labels.Grouping(g, metric, Group);
            string key = _labels.Key(groupLabels);
            double v = sample.Value;
            if (!groups.TryGetValue(key, out var group))
            {
                group = new Group(groupLabels, v);
                groups[key] = group;
                ordered.Add(group);
                switch (g.Op)
                {
                    case "stddev" or "stdvar":
                        group.Value = 0;
                        break;
                    case "group":
                        group.Value = 1;
                        break;
                    case "topk" or "bottomk" or "quantile":
                        group.Members.Add(sample);
                        break;
                }

                continue;
            }

            switch (g.Op)
            {
                case "sum":
                    group.Value += v;
                    break;
                case "avg":
                    group.Count++;
                    if (double.IsInfinity(group.Mean))
                    {
                        if (double.IsInfinity(v) && (group.Mean > 0) == (v > 0))
                        {
                            break;
                        }

                        if (!double.IsInfinity(v) && !double.IsNaN(v))
                        {
                            break;
                        }
                    }

                    group.Mean += (v / group.Count) - (group.Mean / group.Count);
                    break;
                case "max":
                    if (group.Value < v || double.IsNaN(group.Value))
                    {
                        group.Value = v;
                    }

                    break;
                case "min":
                    if (group.Value > v || double.IsNaN(group.Value))
                    {
                        group.Value = v;
                    }

                    break;
                case "count" or "count_values":
                    group.Count++;
                    break;
                case "stddev" or "stdvar":
                {
                    group.Count++;
                    double delta = v - group.Mean;
                    group.Mean += delta / group.Count;
                    group.Value += delta * (v - group.Mean);
                    break;
                }

                case "topk" or "bottomk" or "quantile":
                    group.Members.Add(sample);
                    break;
            }
        }

        var output = new List<PromQlSample>(ordered.Count);
        foreach (var group in ordered)
        {
            double value = group.Value;
            switch (g.Op)
            {
                case "avg":
                    value = group.Mean;
                    break;
                case "count" or "count_values":
                    value = group.Count;
                    break;
                case "stdvar":
                    value = group.Value / group.Count;
                    break;
                case "stddev":
                    value = Math.Sqrt(group.Value / group.Count);
                    break;
                case "quantile":
                    value = Quantile((double)param!, group.Members.Select(m => m.Value).ToList());
                    break;
                case "topk" or "bottomk":
                {
                    // Prometheus keeps the k largest (smallest) with NaN ranked last, the first seen winning ties.
                    bool top = g.Op == "topk";
                    var ranked = group.Members
                        .OrderBy(m => double.IsNaN(m.Value) ? 1 : 0)
                        .ThenBy(m => top ? -m.Value : m.Value)
                        .Take((int)Math.Min(k, int.MaxValue));
                    output.AddRange(ranked.Select(m => new PromQlSample(m.Labels, m.Value, ts)));
                    continue;
                }
            }

            output.Add(new PromQlSample(group.Labels, value, ts));
        }

        return output;
    }

    internal static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Prometheus' quantile: linear interpolation between the closest ranks, NaN sorted first.</summary>
    internal static double Quantile(double q, List<double> values)
    {
        if (values.Count == 0 || double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        values.Sort((a, b) => double.IsNaN(a) ? (double.IsNaN(b) ? 0 : -1) : double.IsNaN(b) ? 1 : a.CompareTo(b));
        double n = values.Count;
        double rank = q * (n - 1);
        double lower = Math.Max(0, Math.Floor(rank));
        double upper = Math.Min(n - 1, lower + 1);
        double weight = rank - Math.Floor(rank);
        return (values[(int)lower] * (1 - weight)) + (values[(int)upper] * weight);
    }
}

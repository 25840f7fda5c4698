using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>Binary operators, ported from Prometheus 2.42's VectorBinop, VectorscalarBinop and the set operators.</summary>
internal sealed partial class PromQlEvaluator
{
    private object Binary(BinaryExpr b, long ts)
    {
        object lhs = Eval(b.Lhs, ts);
        object rhs = Eval(b.Rhs, ts);
        if (lhs is double l && rhs is double r)
        {
            var (value, keep) = ElementOp(b.Op, l, r);
            return BinaryExpr.IsComparison(b.Op) ? (keep ? 1.0 : 0.0) : value;
        }

        List<PromQlSample> output;
        if (lhs is List<PromQlSample> lv && rhs is List<PromQlSample> rv)
        {
            var matching = b.Matching!;
            output = b.Op switch
            {
                "and" => And(lv, rv, matching),
                "or" => Or(lv, rv, matching),
                "unless" => Unless(lv, rv, matching),
                _ => VectorBinary(b.Op, lv, rv, matching, b.ReturnBool, ts),
            };
        }
        else if (lhs is List<PromQlSample> vector)
        {
            output = VectorScalar(b.Op, vector, (double)rhs, swap: false, b.ReturnBool, ts);
        }
        else
        {
            output = VectorScalar(b.Op, (List<PromQlSample>)rhs, (double)lhs, swap: true, b.ReturnBool, ts);
        }

        CheckDuplicates(output);
        return output;
    }

    private static bool DropsName(string op) => op is "+" or "-" or "*" or "/" or "%" or "^";

    internal static (double Value, bool Keep) ElementOp(string op, double l, double r) => op switch
    {
        "+" => (l + r, true),
        "-" => (l - r, true),
        "*" => (l * r, true),
        "/" => (l / r, true),
        "%" => (l % r, true), // C#'s % on doubles is fmod, like Go's math.Mod
        "^" => (Math.Pow(l, r), true),
        "==" => (l, l == r),
        "!=" => (l, l != r),
        ">" => (l, l > r),
        "<" => (l, l < r),
        ">=" => (l, l >= r),
        "<=" => (l, l <= r),
        _ => throw new PromQlExecutionException($"operator \"{op}\" not allowed for scalar operations"),
    };

    private static List<PromQlSample> VectorScalar(string op, List<PromQlSample> vector, double scalar, bool swap, bool returnBool, long ts)
    {
        var output = new List<PromQlSample>(vector.Count);
        foreach (var s in vector)
        {
            double lv = s.Value, rv = scalar;
            if (swap)
            {
                (lv, rv) = (rv, lv);
            }

            var (value, keep) = ElementOp(op, lv, rv);

            // A scalar on the left of a comparison still filters and keeps the vector's value.
            if (BinaryExpr.IsComparison(op) && swap)
            {
                value = rv;
            }

            if (returnBool)
            {
                value = keep ? 1 : 0;
                keep = true;
            }

            if (keep)
            {
                output.Add(new PromQlSample(DropsName(op) || returnBool ? PromQlLabels.DropName(s.Labels) : s.Labels, value, ts));
            }
        }

        return output;
    }

    private static Func<MetricLabel[], string> Signature(VectorMatching matching)
    {
        var names = new HashSet<string>(matching.MatchingLabels, StringComparer.Ordinal);
        if (matching.On)
        {
            return labels => PromQlLabels.Key(PromQlLabels.Keep(labels, names));
        }

        names.Add(PromQlLabels.MetricName);
        return labels => PromQlLabels.Key(PromQlLabels.Without(labels, names));
    }

    private static List<PromQlSample> And(List<PromQlSample> lhs, List<PromQlSample> rhs, VectorMatching matching)
    {
        if (lhs.Count == 0 || rhs.Count == 0)
        {
            return [];
        }

        var sig = Signature(matching);
        var right = new HashSet<string>(rhs.Select(s => sig(s.Labels)), StringComparer.Ordinal);
        return lhs.Where(s => right.Contains(sig(s.Labels))).ToList();
    }

    private static List<PromQlSample> Or(List<PromQlSample> lhs, List<PromQlSample> rhs, VectorMatching matching)
    {
        if (lhs.Count == 0 || rhs.Count == 0)
        {
            return [.. lhs, .. rhs];
        }

        var sig = Signature(matching);
        var left = new HashSet<string>(lhs.Select(s => sig(s.Labels)), StringComparer.Ordinal);
        return [.. lhs, .. rhs.Where(s => !left.Contains(sig(s.Labels)))];
    }

    private static List<PromQlSample> Unless(List<PromQlSample> lhs, List<PromQlSample> rhs, VectorMatching matching)
    {
        if (lhs.Count == 0 || rhs.Count == 0)
        {
            return [.. lhs];
        }

        var sig = Signature(matching);
        var right = new HashSet<string>(rhs.Select(s => sig(s.Labels)), StringComparer.Ordinal);
        return lhs.Where(s => !right.Contains(sig(s.Labels))).ToList();
    }

    private static List<PromQlSample> VectorBinary(string op, List<PromQlSample> lhs, List<PromQlSample> rhs, VectorMatching matching, bool returnBool, long ts)
    {
        var output = new List<PromQlSample>();
        if (lhs.Count == 0 || rhs.Count == 0)
        {
            return output;
        }

        if (matching.Card == MatchCardinality.OneToMany)
        {
            (lhs, rhs) = (rhs, lhs);
        }

        var sig = Signature(matching);
        var rightSigs = new Dictionary<string, PromQlSample>(StringComparer.Ordinal);
        foreach (var rs in rhs)
        {
            string key = sig(rs.Labels);
            if (rightSigs.TryGetValue(key, out var duplicate))
            {
                string oneSide = matching.Card == MatchCardinality.OneToMany ? "left" : "right";
                var names = new HashSet<string>(matching.MatchingLabels, StringComparer.Ordinal);
                var matched = matching.On ? PromQlLabels.Keep(rs.Labels, names) : PromQlLabels.Without(rs.Labels, [.. names, PromQlLabels.MetricName]);
                throw new PromQlExecutionException(
                    $"found duplicate series for the match group {PromQlLabels.Format(matched)} on the {oneSide} hand-side of the operation: " +
                    $"[{PromQlLabels.Format(rs.Labels)}, {PromQlLabels.Format(duplicate.Labels)}];many-to-many matching not allowed: matching labels must be unique on one side");
            }

            rightSigs[key] = rs;
        }

        var matchedSigs = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal);
        foreach (var ls in lhs)
        {
            string key = sig(ls.Labels);
            if (!rightSigs.TryGetValue(key, out var rs))
            {
                continue;
            }

            double vl = ls.Value, vr = rs.Value;
            if (matching.Card == MatchCardinality.OneToMany)
            {
                (vl, vr) = (vr, vl);
            }

            var (value, keep) = ElementOp(op, vl, vr);
            if (returnBool)
            {
                value = keep ? 1 : 0;
            }
            else if (!keep)
            {
                continue;
            }

            var metric = ResultMetric(ls.Labels, rs.Labels, op, matching);
            if (returnBool)
            {
                metric = PromQlLabels.DropName(metric);
            }

            bool exists = matchedSigs.TryGetValue(key, out var inserted);
            if (matching.Card == MatchCardinality.OneToOne)
            {
                if (exists)
                {
                    throw new PromQlExecutionException("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }

                matchedSigs[key] = null;
            }
            else
            {
                string insertKey = PromQlLabels.Key(metric);
                if (!exists)
                {
                    inserted = new HashSet<string>(StringComparer.Ordinal);
                    matchedSigs[key] = inserted;
                }
                else if (inserted!.Contains(insertKey))
                {
                    throw new PromQlExecutionException("multiple matches for labels: grouping labels must ensure unique matches");
                }

                inserted!.Add(insertKey);
            }

            output.Add(new PromQlSample(metric, value, ts));
        }

        return output;
    }

    private static MetricLabel[] ResultMetric(MetricLabel[] lhs, MetricLabel[] rhs, string op, VectorMatching matching)
    {
        var labels = lhs;
        if (DropsName(op))
        {
            labels = PromQlLabels.DropName(labels);
        }

        if (matching.Card == MatchCardinality.OneToOne)
        {
            var names = new HashSet<string>(matching.MatchingLabels, StringComparer.Ordinal);
            labels = matching.On ? PromQlLabels.Keep(labels, names) : PromQlLabels.Without(labels, names);
        }

        foreach (string name in matching.Include)
        {
            labels = PromQlLabels.Set(labels, name, PromQlLabels.Get(rhs, name));
        }

        return labels;
    }
}

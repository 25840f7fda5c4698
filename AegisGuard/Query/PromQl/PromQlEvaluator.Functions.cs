using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>Functions, ported from Prometheus 2.42's promql/functions.go (same formulas and summation order).</summary>
internal sealed partial class PromQlEvaluator
{
    private object Call(CallExpr c, long ts)
    {
        string name = c.Function.Name;
        int matrixArg = c.Function.ArgTypes.ToList().IndexOf(PromQlValueType.Matrix);
        if (matrixArg >= 0)
        {
            return CallOverTime(c, matrixArg, ts);
        }

        switch (name)
        {
            case "time":
                return ts / 1000.0;
            case "vector":
                return new List<PromQlSample> { new(PromQlLabels.Empty, (double)Eval(c.Args[0], ts), ts) };
            case "scalar":
            {
                var v = (List<PromQlSample>)Eval(c.Args[0], ts);
                return v.Count == 1 ? v[0].Value : double.NaN;
            }

            case "timestamp":
            {
                // Prometheus answers the sample's own time only when the argument is a selector; else the step's time.
                var arg = PromQlParser.Unwrap(c.Args[0]);
                var v = arg is VectorSelector vs ? Select(vs, ts, keepSampleTime: true) : (List<PromQlSample>)Eval(arg, ts);
                return Checked(v.Select(s => new PromQlSample(PromQlLabels.DropName(s.Labels), s.TimestampMs / 1000.0, ts)).ToList());
            }

            case "absent":
            {
                var v = (List<PromQlSample>)Eval(c.Args[0], ts);
                return v.Count > 0 ? new List<PromQlSample>() : [new PromQlSample(AbsentLabels(c.Args[0]), 1, ts)];
            }

            case "sort" or "sort_desc":
            {
                var v = (List<PromQlSample>)Eval(c.Args[0], ts);
                bool desc = name == "sort_desc";
                return v.OrderBy(s => double.IsNaN(s.Value) ? 1 : 0).ThenBy(s => desc ? -s.Value : s.Value).ToList();
            }

            case "label_replace":
                return LabelReplace(c, ts);
            case "label_join":
                return LabelJoin(c, ts);
            case "histogram_quantile":
                return HistogramQuantile((double)Eval(c.Args[0], ts), (List<PromQlSample>)Eval(c.Args[1], ts), ts);
        }

        var input = (List<PromQlSample>)Eval(c.Args[0], ts);
        var scalars = c.Args.Skip(1).Select(a => (double)Eval(a, ts)).ToArray();
        Func<double, double> f;
        switch (name)
        {
            case "abs": f = Math.Abs; break;
            case "ceil": f = Math.Ceiling; break;
            case "floor": f = Math.Floor; break;
            case "exp": f = Math.Exp; break;
            case "sqrt": f = Math.Sqrt; break;
            case "ln": f = Math.Log; break;
            case "log2": f = Math.Log2; break;
            case "log10": f = Math.Log10; break;
            case "sgn": f = v => v < 0 ? -1 : v > 0 ? 1 : v; break;
            case "round":
            {
                double toNearest = scalars.Length > 0 ? scalars[0] : 1;
                double inverse = 1.0 / toNearest;
                f = v => Math.Floor((v * inverse) + 0.5) / inverse;
                break;
            }

            case "clamp":
                if (scalars[1] < scalars[0])
                {
                    return new List<PromQlSample>();
                }

                f = v => Math.Max(scalars[0], Math.Min(scalars[1], v));
                break;
            case "clamp_min": f = v => Math.Max(scalars[0], v); break;
            case "clamp_max": f = v => Math.Min(scalars[0], v); break;
            default: throw new PromQlExecutionException($"function \"{name}\" is not implemented");
        }

        return Checked(input.Select(s => new PromQlSample(PromQlLabels.DropName(s.Labels), f(s.Value), ts)).ToList());
    }

    private List<PromQlSample> Checked(List<PromQlSample> vector)
    {
        CheckDuplicates(vector);
        return vector;
    }

    private static MetricLabel[] AbsentLabels(PromQlExpr arg)
    {
        var matchers = PromQlParser.Unwrap(arg) switch
        {
            VectorSelector vs => vs.Matchers,
            MatrixSelector m => m.Vector.Matchers,
            _ => null,
        };
        var labels = PromQlLabels.Empty;
        if (matchers is null)
        {
            return labels;
        }

        var has = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in matchers)
        {
            if (m.Name == PromQlLabels.MetricName)
            {
                continue;
            }

            if (m.Type == LabelMatchType.Equal && has.Add(m.Name))
            {
                labels = PromQlLabels.Set(labels, m.Name, m.Value);
            }
            else
            {
                labels = PromQlLabels.Set(labels, m.Name, string.Empty);
            }
        }

        return labels;
    }

    private List<PromQlSample> CallOverTime(CallExpr c, int matrixArg, long ts)
    {
        string name = c.Function.Name;
        var arg = PromQlParser.Unwrap(c.Args[matrixArg]);
        if (arg is MatrixSelector rolled && _rollups.TryGetValue(rolled.Vector, out var rollups))
        {
            return CallFromRollups(name, rolled, rollups, ts);
        }

        var windows = arg switch
        {
            MatrixSelector m => Window(m, ts),
            SubqueryExpr sq => Subquery(sq, ts),
            _ => throw new PromQlExecutionException("expected a range vector"),
        };
        double scalar = c.Args.Count > 1 ? (double)Eval(c.Args[matrixArg == 0 ? 1 : 0], ts) : 0;
        if (name == "absent_over_time")
        {
            return windows.Count > 0 ? [] : [new PromQlSample(AbsentLabels(arg), 1, ts)];
        }

        var (rangeMs, offsetMs, at) = arg switch
        {
            MatrixSelector m => (m.RangeMs, m.Vector.OffsetMs, m.Vector.At),
            SubqueryExpr sq => (sq.RangeMs, sq.OffsetMs, sq.At),
            _ => (0L, 0L, (AtModifier?)null),
        };
        long rangeEnd = (at is null ? ts : Pinned(at)) - offsetMs;
        long rangeStart = rangeEnd - rangeMs;
        var output = new List<PromQlSample>(windows.Count);
        foreach (var w in windows)
        {
            if (OverTime(name, w, rangeStart, rangeEnd, rangeMs, ts, scalar) is { } v)
            {
                output.Add(new PromQlSample(KeptLabels(name, w.Labels), v, ts));
            }
        }

        // A step's windows are a subset of the selector's series: when no two of those collide once the name is
        // dropped, no step can hold a duplicate, and the per-step check (a key per series per step) is skipped.
        if (arg is not MatrixSelector selector || !_labels.DistinctWithoutName(selector.Vector, _data[selector.Vector].Select(s => s.Labels)))
        {
            CheckDuplicates(output);
        }

        return output;
    }

    // last_over_time acts like an offset, so Prometheus keeps the metric name for it alone.
    private MetricLabel[] KeptLabels(string function, MetricLabel[] labels) => function == "last_over_time" ? labels : _labels.DropName(labels);

    private static double? OverTime(string name, PromQlSeries w, long rangeStart, long rangeEnd, long rangeMs, long ts, double scalar) => name switch
    {
        "rate" => ExtrapolatedRate(w, rangeStart, rangeEnd, rangeMs, isCounter: true, isRate: true),
        "increase" => ExtrapolatedRate(w, rangeStart, rangeEnd, rangeMs, isCounter: true, isRate: false),
        "delta" => ExtrapolatedRate(w, rangeStart, rangeEnd, rangeMs, isCounter: false, isRate: false),
        "irate" => InstantValue(w, isRate: true),
        "idelta" => InstantValue(w, isRate: false),
        "deriv" => w.Values.Length < 2 ? null : LinearRegression(w, w.TimestampsMs[0]).Slope,
        "predict_linear" => w.Values.Length < 2 ? null : PredictLinear(w, ts, scalar),
        "resets" => Resets(w),
        "changes" => Changes(w),
        "avg_over_time" => AvgOverTime(w.Values),
        "min_over_time" => MinMax(w.Values, max: false),
        "max_over_time" => MinMax(w.Values, max: true),
        "sum_over_time" => SumOverTime(w.Values),
        "count_over_time" => w.Values.Length,
        "last_over_time" => w.Values[^1],
        "present_over_time" => 1,
        "quantile_over_time" => Quantile(scalar, [.. w.Values]),
        "stddev_over_time" => Math.Sqrt(VarianceOverTime(w.Values)),
        "stdvar_over_time" => VarianceOverTime(w.Values),
        _ => throw new PromQlExecutionException($"function \"{name}\" is not implemented"),
    };

    private static double PredictLinear(PromQlSeries w, long ts, double duration)
    {
        var (slope, intercept) = LinearRegression(w, ts);
        return (slope * duration) + intercept;
    }

    internal static double? ExtrapolatedRate(PromQlSeries w, long rangeStart, long rangeEnd, long rangeMs, bool isCounter, bool isRate)
    {
        var t = w.TimestampsMs;
        var v = w.Values;
        if (v.Length < 2)
        {
            return null;
        }

        double result = v[^1] - v[0];
        if (isCounter)
        {
            double previous = v[0];
            for (int i = 1; i < v.Length; i++)
            {
                if (v[i] < previous)
                {
                    result += previous;
                }

                previous = v[i];
            }
        }

        return Extrapolate(result, t[0], v[0], t[^1], v.Length, rangeStart, rangeEnd, rangeMs, isCounter, isRate);
    }

    /// <summary>
    /// The extrapolation of Prometheus' extrapolatedRate, given the window's raw change (<paramref name="result"/>, with
    /// counter corrections) and its first and last sample: shared by raw windows and rollup buckets so both agree.
    /// </summary>
    internal static double Extrapolate(double result, long firstMs, double firstValue, long lastMs, long count, long rangeStart, long rangeEnd, long rangeMs, bool isCounter, bool isRate)
    {
        double durationToStart = (firstMs - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - lastMs) / 1000.0;
        double sampledInterval = (lastMs - firstMs) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (count - 1);
        if (isCounter && result > 0 && firstValue >= 0)
        {
            double durationToZero = sampledInterval * (firstValue / result);
            if (durationToZero < durationToStart)
            {
                durationToStart = durationToZero;
            }
        }

        double threshold = averageDurationBetweenSamples * 1.1;
        double extrapolateTo = sampledInterval;
        extrapolateTo += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
        double factor = extrapolateTo / sampledInterval;
        if (isRate)
        {
            factor /= rangeMs / 1000.0;
        }

        return result * factor;
    }

    private static double? InstantValue(PromQlSeries w, bool isRate)
    {
        if (w.Values.Length < 2)
        {
            return null;
        }

        double last = w.Values[^1], previous = w.Values[^2];
        double result = isRate && last < previous ? last : last - previous;
        long interval = w.TimestampsMs[^1] - w.TimestampsMs[^2];
        if (interval == 0)
        {
            return null;
        }

        return isRate ? result / (interval / 1000.0) : result;
    }

    private static double Resets(PromQlSeries w)
    {
        int resets = 0;
        for (int i = 1; i < w.Values.Length; i++)
        {
            if (w.Values[i] < w.Values[i - 1])
            {
                resets++;
            }
        }

        return resets;
    }

    private static double Changes(PromQlSeries w)
    {
        int changes = 0;
        for (int i = 1; i < w.Values.Length; i++)
        {
            double current = w.Values[i], previous = w.Values[i - 1];
            if (current != previous && !(double.IsNaN(current) && double.IsNaN(previous)))
            {
                changes++;
            }
        }

        return changes;
    }

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

    private static double AvgOverTime(double[] values)
    {
        double mean = 0, count = 0, c = 0;
        foreach (double v in values)
        {
            count++;
            if (double.IsInfinity(mean))
            {
                if (double.IsInfinity(v) && (mean > 0) == (v > 0))
                {
                    continue;
                }

                if (!double.IsInfinity(v) && !double.IsNaN(v))
                {
                    continue;
                }
            }

            (mean, c) = KahanInc((v / count) - (mean / count), mean, c);
        }

        return double.IsInfinity(mean) ? mean : mean + c;
    }

    private static double SumOverTime(double[] values)
    {
        double sum = 0, c = 0;
        foreach (double v in values)
        {
            (sum, c) = KahanInc(v, sum, c);
        }

        return double.IsInfinity(sum) ? sum : sum + c;
    }

    internal static double MinMax(double[] values, bool max)
    {
        double m = values[0];
        foreach (double v in values)
        {
            if ((max ? v > m : v < m) || double.IsNaN(m))
            {
                m = v;
            }
        }

        return m;
    }

    private static double VarianceOverTime(double[] values)
    {
        double count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
        foreach (double v in values)
        {
            count++;
            double delta = v - (mean + cMean);
            (mean, cMean) = KahanInc(delta / count, mean, cMean);
            (aux, cAux) = KahanInc(delta * (v - (mean + cMean)), aux, cAux);
        }

        return (aux + cAux) / count;
    }

    private static (double Slope, double Intercept) LinearRegression(PromQlSeries w, long interceptTime)
    {
        double n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
        double initY = w.Values[0];
        bool constY = true;
        for (int i = 0; i < w.Values.Length; i++)
        {
            double y = w.Values[i];
            if (constY && i > 0 && y != initY)
            {
                constY = false;
            }

            n += 1.0;
            double x = (w.TimestampsMs[i] - interceptTime) / 1e3;
            (sumX, cX) = KahanInc(x, sumX, cX);
            (sumY, cY) = KahanInc(y, sumY, cY);
            (sumXY, cXY) = KahanInc(x * y, sumXY, cXY);
            (sumX2, cX2) = KahanInc(x * x, sumX2, cX2);
        }

        if (constY)
        {
            return double.IsInfinity(initY) ? (double.NaN, double.NaN) : (0, initY);
        }

        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        double covXY = sumXY - (sumX * sumY / n);
        double varX = sumX2 - (sumX * sumX / n);
        double slope = covXY / varX;
        double intercept = (sumY / n) - (slope * sumX / n);
        return (slope, intercept);
    }

    private List<PromQlSample> HistogramQuantile(double q, List<PromQlSample> input, long ts)
    {
        var groups = new Dictionary<string, (MetricLabel[] Labels, List<(double Upper, double Count)> Buckets)>(StringComparer.Ordinal);
        var order = new List<string>();
        var le = new HashSet<string>(["le"], StringComparer.Ordinal);
        var excluded = new HashSet<string>(["le", PromQlLabels.MetricName], StringComparer.Ordinal);
        foreach (var s in input)
        {
            if (!TryParseGoFloat(PromQlLabels.Get(s.Labels, "le"), out double upper))
            {
                continue;
            }

            string key = PromQlLabels.Key(PromQlLabels.Without(s.Labels, le));
            if (!groups.TryGetValue(key, out var group))
            {
                group = (PromQlLabels.Without(s.Labels, excluded), []);
                groups[key] = group;
                order.Add(key);
            }

            group.Buckets.Add((upper, s.Value));
        }

        var output = order.Select(key => new PromQlSample(groups[key].Labels, BucketQuantile(q, groups[key].Buckets), ts)).ToList();
        CheckDuplicates(output);
        return output;
    }

    internal static bool TryParseGoFloat(string text, out double value)
    {
        string t = text.TrimStart('+');
        switch (t.ToLowerInvariant())
        {
            case "inf" or "infinity":
                value = text.StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static double BucketQuantile(double q, List<(double Upper, double Count)> input)
    {
        if (double.IsNaN(q))
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

        var buckets = input.OrderBy(b => b.Upper).ToList();
        if (!double.IsPositiveInfinity(buckets[^1].Upper))
        {
            return double.NaN;
        }

        // Coalesce buckets with the same bound, then make counts monotonic, as Prometheus does.
        var merged = new List<(double Upper, double Count)>();
        foreach (var b in buckets)
        {
            if (merged.Count > 0 && merged[^1].Upper == b.Upper)
            {
                merged[^1] = (b.Upper, merged[^1].Count + b.Count);
            }
            else
            {
                merged.Add(b);
            }
        }

        double max = merged[0].Count;
        for (int i = 1; i < merged.Count; i++)
        {
            if (merged[i].Count > max)
            {
                max = merged[i].Count;
            }
            else if (merged[i].Count < max)
            {
                merged[i] = (merged[i].Upper, max);
            }
        }

        if (merged.Count < 2)
        {
            return double.NaN;
        }

        double observations = merged[^1].Count;
        if (observations == 0)
        {
            return double.NaN;
        }

        double rank = q * observations;
        int index = 0;
        while (index < merged.Count - 1 && !(merged[index].Count >= rank))
        {
            index++;
        }

        if (index == merged.Count - 1)
        {
            return merged[^2].Upper;
        }

        if (index == 0 && merged[0].Upper <= 0)
        {
            return merged[0].Upper;
        }

        double bucketStart = 0;
        double bucketEnd = merged[index].Upper;
        double count = merged[index].Count;
        if (index > 0)
        {
            bucketStart = merged[index - 1].Upper;
            count -= merged[index - 1].Count;
            rank -= merged[index - 1].Count;
        }

        return bucketStart + ((bucketEnd - bucketStart) * (rank / count));
    }

    private List<PromQlSample> LabelReplace(CallExpr c, long ts)
    {
        var input = (List<PromQlSample>)Eval(c.Args[0], ts);
        string dst = ((StringValue)Eval(c.Args[1], ts)).Value;
        string replacement = ((StringValue)Eval(c.Args[2], ts)).Value;
        string src = ((StringValue)Eval(c.Args[3], ts)).Value;
        string pattern = ((StringValue)Eval(c.Args[4], ts)).Value;
        var regex = PromQlRegex.Compile(pattern, m => new PromQlExecutionException($"invalid regular expression in label_replace(): {pattern}"));
        if (!IsLabelName(dst))
        {
            throw new PromQlExecutionException($"invalid destination label name in label_replace(): {dst}");
        }

        var output = new List<PromQlSample>(input.Count);
        foreach (var s in input)
        {
            var match = regex.Match(PromQlLabels.Get(s.Labels, src));
            var labels = match.Success ? PromQlLabels.Set(s.Labels, dst, Expand(regex, match, replacement)) : s.Labels;
            output.Add(new PromQlSample(labels, s.Value, ts));
        }

        CheckDuplicates(output);
        return output;
    }

    /// <summary>Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; a name takes the longest run of [A-Za-z0-9_].</summary>
    private static string Expand(Regex regex, Match match, string template)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char ch = template[i];
            if (ch != '$' || i + 1 >= template.Length)
            {
                sb.Append(ch);
                continue;
            }

            if (template[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            string name;
            int end;
            if (template[i + 1] == '{')
            {
                int close = template.IndexOf('}', i + 2);
                if (close < 0)
                {
                    sb.Append(ch);
                    continue;
                }

                name = template[(i + 2)..close];
                end = close;
            }
            else
            {
                int j = i + 1;
                while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_'))
                {
                    j++;
                }

                name = template[(i + 1)..j];
                end = j - 1;
            }

            if (name.Length == 0 || !name.All(x => char.IsAsciiLetterOrDigit(x) || x == '_'))
            {
                sb.Append(ch);
                continue;
            }

            System.Text.RegularExpressions.Group? group = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
                ? (number < regex.GetGroupNumbers().Length ? match.Groups[number] : null)
                : (regex.GroupNumberFromName(name) >= 0 ? match.Groups[name] : null);
            if (group is { Success: true })
            {
                sb.Append(group.Value);
            }

            i = end;
        }

        return sb.ToString();
    }

    private List<PromQlSample> LabelJoin(CallExpr c, long ts)
    {
        var input = (List<PromQlSample>)Eval(c.Args[0], ts);
        string dst = ((StringValue)Eval(c.Args[1], ts)).Value;
        string separator = ((StringValue)Eval(c.Args[2], ts)).Value;
        var sources = c.Args.Skip(3).Select(a => ((StringValue)Eval(a, ts)).Value).ToList();
        foreach (string src in sources)
        {
            if (!IsLabelName(src))
            {
                throw new PromQlExecutionException($"invalid source label name in label_join(): {src}");
            }
        }

        if (!IsLabelName(dst))
        {
            throw new PromQlExecutionException($"invalid destination label name in label_join(): {dst}");
        }

        var output = input.Select(s => new PromQlSample(
            PromQlLabels.Set(s.Labels, dst, string.Join(separator, sources.Select(src => PromQlLabels.Get(s.Labels, src)))), s.Value, ts)).ToList();
        CheckDuplicates(output);
        return output;
    }
}

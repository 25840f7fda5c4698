using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// Evaluates one parsed query against samples read once, up front, for every selector (the union of the windows all
/// steps need). Each step is evaluated like Prometheus 2.42's evaluator: instant selectors look back 5 minutes (the
/// left edge included) and skip stale markers, range windows are [t - range, t], subqueries step at absolute
/// multiples of their step.
/// </summary>
internal sealed partial class PromQlEvaluator
{
    private const long StaleNaNBits = 0x7ff0000000000002;

    private readonly IMetricStore _store;
    private readonly PromQlOptions _options;
    private readonly int _orgId;
    private readonly long _startMs;
    private readonly long _endMs;
    private readonly long _stepMs;
    private readonly long _lookbackMs;
    private readonly CancellationToken _cancellation;
    private readonly Dictionary<VectorSelector, (long From, long To)> _needs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<VectorSelector, StoredSeries[]> _data = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SubqueryExpr, Dictionary<long, object>> _subqueryMemo = new(ReferenceEqualityComparer.Instance);
    private readonly PromQlLabelMemo _labels = new();

    public PromQlEvaluator(IMetricStore store, PromQlOptions options, int orgId, long startMs, long endMs, long stepMs, CancellationToken cancellation)
    {
        _stepMs = stepMs;
        _store = store;
        _options = options;
        _orgId = orgId;
        _startMs = startMs;
        _endMs = endMs;
        _lookbackMs = (long)options.LookbackDelta.TotalMilliseconds;
        _cancellation = cancellation;
    }

    public long SamplesRead { get; private set; }

    private sealed record StoredSeries(MetricLabel[] Labels, long[] T, double[] V);

    internal sealed record StringValue(string Value);

    public static bool IsStale(double v) => BitConverter.DoubleToInt64Bits(v) == StaleNaNBits;

    /// <summary>Reads, for every selector of the query, the samples all evaluation steps in [start, end] need.</summary>
    public async Task LoadAsync(PromQlExpr root)
    {
        Walk(root, _startMs, _endMs, new PromQlEvaluationTimes(_startMs, _stepMs));
        await LoadRollupsAsync();
        foreach (var (selector, (from, to)) in _needs)
        {
            _cancellation.ThrowIfCancellationRequested();
            var series = await _store.SelectAsync(new MetricSelectRequest
            {
                OrgId = _orgId,
                Matchers = selector.Matchers,
                FromMs = from,
                ToMs = to,
                MaxSeries = _options.MaxSeries,
                MaxSamples = Math.Max(1, _options.MaxSamples - SamplesRead),
            }, _cancellation);
            var stored = new StoredSeries[series.Count];
            for (int i = 0; i < series.Count; i++)
            {
                SamplesRead += series[i].TimestampsMs.Length;
                stored[i] = new StoredSeries([.. series[i].Labels], series[i].TimestampsMs, series[i].Values);
            }

            if (SamplesRead > _options.MaxSamples)
            {
                throw new MetricQueryLimitException(
                    $"query processing would load too many samples into memory (more than {_options.MaxSamples}); narrow the selectors or the time range");
            }

            Array.Sort(stored, (a, b) => PromQlLabels.Compare(a.Labels, b.Labels));
            _data[selector] = stored;
            Reported(selector).RawSeries = stored.Length;
        }
    }

    private (long From, long To) Reference(AtModifier? at, long offsetMs, long from, long to)
    {
        if (at is not null)
        {
            long pinned = Pinned(at);
            return (pinned - offsetMs, pinned - offsetMs);
        }

        return (from - offsetMs, to - offsetMs);
    }

    private long Pinned(AtModifier at) => at.Kind switch
    {
        AtKind.Start => _startMs,
        AtKind.End => _endMs,
        _ => at.TimestampMs,
    };

    private void Need(VectorSelector selector, long from, long to)
    {
        _needs[selector] = _needs.TryGetValue(selector, out var had) ? (Math.Min(had.From, from), Math.Max(had.To, to)) : (from, to);
    }

    private void Walk(PromQlExpr expr, long from, long to, PromQlEvaluationTimes times)
    {
        switch (expr)
        {
            case VectorSelector vs:
            {
                var (a, b) = Reference(vs.At, vs.OffsetMs, from, to);
                Need(vs, a - _lookbackMs, b);
                Report(vs, null, null);
                break;
            }

            case MatrixSelector m:
            {
                var (a, b) = Reference(m.Vector.At, m.Vector.OffsetMs, from, to);
                Need(m.Vector, a - m.RangeMs, b);
                Report(m.Vector, m.RangeMs, null);
                break;
            }

            case SubqueryExpr s:
            {
                var (a, b) = Reference(s.At, s.OffsetMs, from, to);
                // Inner steps are absolute multiples of the subquery's step, whatever the outer times are.
                long step = s.StepMs > 0 ? s.StepMs : (long)_options.DefaultSubqueryStep.TotalMilliseconds;
                Walk(s.Expr, a - s.RangeMs, b, new PromQlEvaluationTimes(0, step));
                break;
            }

            case ParenExpr p:
                Walk(p.Expr, from, to, times);
                break;
            case UnaryExpr u:
                Walk(u.Expr, from, to, times);
                break;
            case BinaryExpr b:
                Walk(b.Lhs, from, to, times);
                Walk(b.Rhs, from, to, times);
                break;
            case AggregateExpr g:
                Walk(g.Expr, from, to, times);
                if (g.Param is not null)
                {
                    Walk(g.Param, from, to, times);
                }

                break;
            case CallExpr c when PlanRollup(c, from, to, times):
                break;
            case CallExpr c:
                foreach (var arg in c.Args)
                {
                    Walk(arg, from, to, times);
                }

                break;
        }
    }

    /// <summary>Evaluates at one instant: a double (scalar), <see cref="StringValue"/>, a vector or a list of series.</summary>
    public object Eval(PromQlExpr expr, long ts)
    {
        switch (expr)
        {
            case NumberLiteral n:
                return n.Value;
            case StringLiteral s:
                return new StringValue(s.Value);
            case ParenExpr p:
                return Eval(p.Expr, ts);
            case VectorSelector vs:
                return Select(vs, ts, keepSampleTime: false);
            case MatrixSelector m:
                return Window(m, ts);
            case SubqueryExpr sq:
                return Subquery(sq, ts);
            case UnaryExpr u:
            {
                object operand = Eval(u.Expr, ts);
                return operand is double d ? -d : NegateVector((List<PromQlSample>)operand, ts);
            }
            case BinaryExpr b:
                return Binary(b, ts);
            case AggregateExpr g:
                return Aggregate(g, ts);
            case CallExpr c:
                return Call(c, ts);
            default:
                throw new PromQlExecutionException($"unsupported expression {expr.GetType().Name}");
        }
    }

    private List<PromQlSample> Select(VectorSelector vs, long ts, bool keepSampleTime)
    {
        long reference = (vs.At is null ? ts : Pinned(vs.At)) - vs.OffsetMs;
        var output = new List<PromQlSample>();
        foreach (var s in _data[vs])
        {
            int i = UpperBound(s.T, reference) - 1;
            if (i < 0 || s.T[i] < reference - _lookbackMs || IsStale(s.V[i]))
            {
                continue;
            }

            output.Add(new PromQlSample(s.Labels, s.V[i], keepSampleTime ? s.T[i] : ts));
        }

        return output;
    }

    private List<PromQlSeries> Window(MatrixSelector m, long ts)
    {
        long reference = (m.Vector.At is null ? ts : Pinned(m.Vector.At)) - m.Vector.OffsetMs;
        long from = reference - m.RangeMs;
        var output = new List<PromQlSeries>();
        foreach (var s in _data[m.Vector])
        {
            int lo = LowerBound(s.T, from);
            int hi = UpperBound(s.T, reference);
            if (hi <= lo)
            {
                continue;
            }

            int kept = 0;
            for (int i = lo; i < hi; i++)
            {
                kept += IsStale(s.V[i]) ? 0 : 1;
            }

            if (kept == hi - lo)
            {
                // No stale marker (the usual case): two exact-size copies, nothing grown.
                output.Add(new PromQlSeries(s.Labels, s.T.AsSpan(lo, kept).ToArray(), s.V.AsSpan(lo, kept).ToArray()));
            }
            else if (kept > 0)
            {
                var t = new long[kept];
                var v = new double[kept];
                for (int i = lo, j = 0; i < hi; i++)
                {
                    if (!IsStale(s.V[i]))
                    {
                        t[j] = s.T[i];
                        v[j++] = s.V[i];
                    }
                }

                output.Add(new PromQlSeries(s.Labels, t, v));
            }
        }

        return output;
    }

    private List<PromQlSeries> Subquery(SubqueryExpr sq, long ts)
    {
        long reference = (sq.At is null ? ts : Pinned(sq.At)) - sq.OffsetMs;
        long step = sq.StepMs > 0 ? sq.StepMs : (long)_options.DefaultSubqueryStep.TotalMilliseconds;
        long from = reference - sq.RangeMs;

        // Steps at absolute multiples of the step (Prometheus aligns the subquery's first step that way).
        long first = step * (from / step);
        if (first < from)
        {
            first += step;
        }

        if (!_subqueryMemo.TryGetValue(sq, out var memo))
        {
            memo = [];
            _subqueryMemo[sq] = memo;
        }

        var bySeries = new Dictionary<string, (MetricLabel[] Labels, List<long> T, List<double> V)>(StringComparer.Ordinal);
        var order = new List<string>();
        for (long t = first; t <= reference; t += step)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (!memo.TryGetValue(t, out var value))
            {
                value = Eval(sq.Expr, t);
                memo[t] = value;
            }

            foreach (var sample in (List<PromQlSample>)value)
            {
                string key = PromQlLabels.Key(sample.Labels);
                if (!bySeries.TryGetValue(key, out var series))
                {
                    series = (sample.Labels, [], []);
                    bySeries[key] = series;
                    order.Add(key);
                }

                series.T.Add(t);
                series.V.Add(sample.Value);
            }
        }

        var output = new List<PromQlSeries>(order.Count);
        foreach (string key in order)
        {
            var s = bySeries[key];
            output.Add(new PromQlSeries(s.Labels, [.. s.T], [.. s.V]));
        }

        output.Sort((a, b) => PromQlLabels.Compare(a.Labels, b.Labels));
        return output;
    }

    private List<PromQlSample> NegateVector(List<PromQlSample> vector, long ts)
    {
        var output = vector.Select(s => new PromQlSample(PromQlLabels.DropName(s.Labels), -s.Value, ts)).ToList();
        CheckDuplicates(output);
        return output;
    }

    private void CheckDuplicates(List<PromQlSample> vector)
    {
        if (vector.Count < 2)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in vector)
        {
            if (!seen.Add(_labels.Key(s.Labels)))
            {
                throw new PromQlExecutionException("vector cannot contain metrics with the same labelset");
            }
        }
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

    private static int UpperBound(long[] values, long target)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] <= target)
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

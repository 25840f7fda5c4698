using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// The rollup path: range functions over aligned windows (<see cref="PromQlRollupPlanner"/>) read the store's buckets
/// instead of raw samples and combine the buckets of each window, plus the one sample of the bucket starting at the
/// window's end when it lies exactly on the end (2.x windows include it).
/// </summary>
internal sealed partial class PromQlEvaluator
{
    private readonly Dictionary<VectorSelector, (long ResolutionMs, string Function, long From, long To)> _rollupNeeds = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<VectorSelector, RolledSeries[]> _rollups = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<VectorSelector, ReadReport> _reads = new(ReferenceEqualityComparer.Instance);

    /// <summary>How each selector was read, in query order.</summary>
    public IReadOnlyList<PromQlSelectorRead> Reads =>
        [.. _reads.Values.Select(r => new PromQlSelectorRead(r.Selector, r.Function, r.ResolutionMs, r.RollupSeries, r.RawSeries))];

    /// <summary>One series of a rolled-up selector: its buckets, or its raw samples when buckets cannot answer for it.</summary>
    private sealed record RolledSeries(MetricLabel[] Labels, MetricRollupSeries? Buckets, long[] T, double[] V);

    private sealed class ReadReport(string selector, string? function)
    {
        public string Selector { get; } = selector;

        public string? Function { get; set; } = function;

        public long? ResolutionMs { get; set; }

        public int RollupSeries { get; set; }

        public int RawSeries { get; set; }
    }

    private void Report(VectorSelector selector, long? rangeMs, string? function) =>
        _reads.TryAdd(selector, new ReadReport(PromQlRollupPlanner.Describe(selector, rangeMs), function));

    private ReadReport Reported(VectorSelector selector) => _reads[selector];

    /// <summary>Plans <paramref name="c"/> on rollups when it qualifies; false leaves it to the raw path.</summary>
    private bool PlanRollup(CallExpr c, long from, long to, PromQlEvaluationTimes times)
    {
        if (!PromQlRollupPlanner.Answers(c.Function.Name) || c.Args.Count != 1 || PromQlParser.Unwrap(c.Args[0]) is not MatrixSelector m)
        {
            return false;
        }

        Report(m.Vector, m.RangeMs, c.Function.Name);
        if (!_options.UseRollups)
        {
            return false;
        }

        long? pinned = m.Vector.At is null ? null : Pinned(m.Vector.At);
        if (PromQlRollupPlanner.Choose(m.RangeMs, times, m.Vector.OffsetMs, pinned) is not { } resolution)
        {
            return false;
        }

        // Buckets starting in [first reference - range, last reference]: the last one holds the sample on the right edge.
        var (a, b) = Reference(m.Vector.At, m.Vector.OffsetMs, from, to);
        _rollupNeeds[m.Vector] = (resolution, c.Function.Name, a - m.RangeMs, b);
        return true;
    }

    private async Task LoadRollupsAsync()
    {
        foreach (var (selector, (resolution, _, from, to)) in _rollupNeeds)
        {
            _cancellation.ThrowIfCancellationRequested();
            var request = new MetricSelectRequest
            {
                OrgId = _orgId,
                Matchers = selector.Matchers,
                FromMs = from,
                ToMs = to,
                MaxSeries = _options.MaxSeries,
                MaxSamples = Math.Max(1, _options.MaxSamples - SamplesRead),
            };
            var rolled = await _store.SelectRollupsAsync(request, TimeSpan.FromMilliseconds(resolution), _cancellation);
            var series = new List<RolledSeries>(rolled.Count);
            HashSet<string>? unclean = null;
            foreach (var r in rolled)
            {
                SamplesRead += r.BucketStartMs.Length;
                if (IsClean(r))
                {
                    series.Add(new RolledSeries([.. r.Labels], r, [], []));
                }
                else
                {
                    unclean ??= new HashSet<string>(StringComparer.Ordinal);
                    unclean.Add(PromQlLabels.Key([.. r.Labels]));
                }
            }

            int rollupSeries = series.Count;
            if (unclean is not null)
            {
                // NaN, ±Inf and stale markers: Prometheus drops stale markers from windows and lets NaN poison sums but not
                // min/max; a bucket's aggregates cannot tell these apart, so such series are read raw, nothing else.
                foreach (var raw in await _store.SelectAsync(request with { MaxSamples = Math.Max(1, _options.MaxSamples - SamplesRead) }, _cancellation))
                {
                    var labels = raw.Labels.ToArray();
                    if (unclean.Contains(PromQlLabels.Key(labels)))
                    {
                        SamplesRead += raw.TimestampsMs.Length;
                        series.Add(new RolledSeries(labels, null, raw.TimestampsMs, raw.Values));
                    }
                }
            }

            if (SamplesRead > _options.MaxSamples)
            {
                throw new MetricQueryLimitException(
                    $"query processing would load too many samples into memory (more than {_options.MaxSamples}); narrow the selectors or the time range");
            }

            series.Sort((x, y) => PromQlLabels.Compare(x.Labels, y.Labels));
            _rollups[selector] = [.. series];
            var report = Reported(selector);
            report.ResolutionMs = resolution;
            report.RollupSeries = rollupSeries;
            report.RawSeries = series.Count - rollupSeries;
        }
    }

    /// <summary>
    /// A bucket's sum is a plain IEEE sum of its samples, so it is finite exactly when the bucket holds no NaN (stale
    /// markers are NaNs too), no ±Inf and no overflow: then every aggregate means what it means for raw samples.
    /// </summary>
    private static bool IsClean(MetricRollupSeries series)
    {
        foreach (double sum in series.Sum)
        {
            if (!double.IsFinite(sum))
            {
                return false;
            }
        }

        return true;
    }

    private List<PromQlSample> CallFromRollups(string name, MatrixSelector m, RolledSeries[] series, long ts)
    {
        long rangeEnd = (m.Vector.At is null ? ts : Pinned(m.Vector.At)) - m.Vector.OffsetMs;
        long rangeStart = rangeEnd - m.RangeMs;
        var output = new List<PromQlSample>(series.Length);
        foreach (var s in series)
        {
            double? value;
            if (s.Buckets is { } buckets)
            {
                if (!RollupWindow.TryOf(buckets, rangeStart, rangeEnd, out var window))
                {
                    continue;
                }

                value = FromBuckets(name, window, rangeStart, rangeEnd, m.RangeMs);
            }
            else
            {
                if (RawWindow(s, rangeStart, rangeEnd) is not { } w)
                {
                    continue;
                }

                value = OverTime(name, w, rangeStart, rangeEnd, m.RangeMs, ts, 0);
            }

            if (value is { } v)
            {
                output.Add(new PromQlSample(KeptLabels(name, s.Labels), v, ts));
            }
        }

        CheckDuplicates(output);
        return output;
    }

    private static PromQlSeries? RawWindow(RolledSeries s, long from, long to)
    {
        int lo = LowerBound(s.T, from);
        int hi = UpperBound(s.T, to);
        var t = new List<long>(Math.Max(0, hi - lo));
        var v = new List<double>(Math.Max(0, hi - lo));
        for (int i = lo; i < hi; i++)
        {
            if (!IsStale(s.V[i]))
            {
                t.Add(s.T[i]);
                v.Add(s.V[i]);
            }
        }

        return t.Count == 0 ? null : new PromQlSeries(s.Labels, [.. t], [.. v]);
    }

    private static double? FromBuckets(string name, in RollupWindow w, long rangeStart, long rangeEnd, long rangeMs) => name switch
    {
        "rate" => w.Count < 2 ? null : Extrapolate(CounterChange(w), w.FirstMs, w.FirstValue, w.LastMs, w.Count, rangeStart, rangeEnd, rangeMs, isCounter: true, isRate: true),
        "increase" => w.Count < 2 ? null : Extrapolate(CounterChange(w), w.FirstMs, w.FirstValue, w.LastMs, w.Count, rangeStart, rangeEnd, rangeMs, isCounter: true, isRate: false),
        "delta" => w.Count < 2 ? null : Extrapolate(w.LastValue - w.FirstValue, w.FirstMs, w.FirstValue, w.LastMs, w.Count, rangeStart, rangeEnd, rangeMs, isCounter: false, isRate: false),
        "min_over_time" => w.Min,
        "max_over_time" => w.Max,
        "sum_over_time" => w.Sum,
        "count_over_time" => w.Count,
        "avg_over_time" => w.Sum / w.Count,
        "last_over_time" => w.LastValue,
        "present_over_time" => 1,
        _ => throw new PromQlExecutionException($"function \"{name}\" cannot be answered from rollups"),
    };

    // Adding a zero correction could turn a -0 change into +0; raw windows without a reset never add anything.
    private static double CounterChange(in RollupWindow w) => w.Corrections == 0 ? w.LastValue - w.FirstValue : w.LastValue - w.FirstValue + w.Corrections;
}

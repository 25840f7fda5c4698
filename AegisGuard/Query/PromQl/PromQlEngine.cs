using AegisGuard.Query.PromQl.Syntax;
using AegisGuard.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// PromQL-lite: parses, reads what the query needs through <see cref="IMetricStore"/> (always in the caller's org), and
/// evaluates with Prometheus 2.42's semantics. Instant and range queries, a timeout, and cancellation.
/// </summary>
public sealed class PromQlEngine(IMetricStore store, IOptions<PromQlOptions> options)
{
    private readonly PromQlOptions _options = options.Value;

    public PromQlOptions Options => _options;

    /// <summary>Evaluates <paramref name="query"/> at one instant.</summary>
    /// <exception cref="PromQlSyntaxException">The query does not parse.</exception>
    /// <exception cref="PromQlExecutionException">The query cannot be evaluated.</exception>
    /// <exception cref="MetricQueryLimitException">It would read too much.</exception>
    /// <exception cref="PromQlTimeoutException">It ran out of time.</exception>
    public async Task<PromQlResult> InstantAsync(int orgId, string query, long timeMs, CancellationToken cancellationToken)
    {
        var expr = PromQlParser.Parse(query);
        return await RunAsync(orgId, expr, timeMs, timeMs, 0, cancellationToken);
    }

    /// <summary>Evaluates <paramref name="query"/> at start, start + step, … ≤ end.</summary>
    public async Task<PromQlResult> RangeAsync(int orgId, string query, long startMs, long endMs, long stepMs, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepMs, 0);
        var expr = PromQlParser.Parse(query);
        if (expr.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
        {
            throw new PromQlSyntaxException(
                $"invalid expression type \"{PromQlExpr.Describe(expr.Type)}\" for range query, must be Scalar or instant Vector");
        }

        return await RunAsync(orgId, expr, startMs, endMs, stepMs, cancellationToken);
    }

    private async Task<PromQlResult> RunAsync(int orgId, PromQlExpr expr, long startMs, long endMs, long stepMs, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var evaluator = new PromQlEvaluator(store, _options, orgId, startMs, endMs, stepMs, timeout.Token);
        try
        {
            await evaluator.LoadAsync(expr);

            // Evaluation is CPU work over samples in memory; off the request thread so a long one does not block others.
            return await Task.Run(() => stepMs == 0 ? Instant(evaluator, expr, startMs) : Range(evaluator, expr, startMs, endMs, stepMs, timeout.Token), timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PromQlTimeoutException($"query timed out in expression evaluation (limit {_options.Timeout.TotalSeconds:0.###} s, Aegis:PromQl:Timeout)");
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw new PromQlTimeoutException("a regular expression took too long to match");
        }
    }

    private static PromQlResult Instant(PromQlEvaluator evaluator, PromQlExpr expr, long timeMs)
    {
        object value = evaluator.Eval(expr, timeMs);
        switch (value)
        {
            case double d:
                return new PromQlResult { Type = PromQlResultType.Scalar, TimestampMs = timeMs, Scalar = d, SamplesRead = evaluator.SamplesRead, Reads = evaluator.Reads };
            case PromQlEvaluator.StringValue s:
                return new PromQlResult { Type = PromQlResultType.Text, TimestampMs = timeMs, Text = s.Value, SamplesRead = evaluator.SamplesRead, Reads = evaluator.Reads };
            case List<PromQlSample> vector:
            {
                // Prometheus defines an order only for sort() and sort_desc(); anything else is answered in label order.
                var root = PromQlParser.Unwrap(expr);
                var ordered = root is CallExpr { Function.Name: "sort" or "sort_desc" }
                    ? vector
                    : [.. vector.OrderBy(s => s.Labels, Comparer<MetricLabel[]>.Create(PromQlLabels.Compare))];
                return new PromQlResult
                {
                    Type = PromQlResultType.Vector,
                    TimestampMs = timeMs,
                    Vector = ordered.Select(s => s with { TimestampMs = timeMs }).ToList(),
                    SamplesRead = evaluator.SamplesRead,
                    Reads = evaluator.Reads,
                };
            }

            default:
            {
                var matrix = (List<PromQlSeries>)value;
                matrix.Sort((a, b) => PromQlLabels.Compare(a.Labels, b.Labels));
                return new PromQlResult { Type = PromQlResultType.Matrix, TimestampMs = timeMs, Matrix = matrix, SamplesRead = evaluator.SamplesRead, Reads = evaluator.Reads };
            }
        }
    }

    private static PromQlResult Range(PromQlEvaluator evaluator, PromQlExpr expr, long startMs, long endMs, long stepMs, CancellationToken cancellationToken)
    {
        var series = new Dictionary<string, (MetricLabel[] Labels, List<long> T, List<double> V)>(StringComparer.Ordinal);
        for (long ts = startMs; ts <= endMs; ts += stepMs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            object value = evaluator.Eval(expr, ts);
            var samples = value is double d ? [new PromQlSample(PromQlLabels.Empty, d, ts)] : (List<PromQlSample>)value;
            foreach (var s in samples)
            {
                string key = PromQlLabels.Key(s.Labels);
                if (!series.TryGetValue(key, out var entry))
                {
                    entry = (s.Labels, [], []);
                    series[key] = entry;
                }

                entry.T.Add(ts);
                entry.V.Add(s.Value);
            }
        }

        var matrix = series.Values.Select(e => new PromQlSeries(e.Labels, [.. e.T], [.. e.V])).ToList();
        matrix.Sort((a, b) => PromQlLabels.Compare(a.Labels, b.Labels));
        return new PromQlResult { Type = PromQlResultType.Matrix, TimestampMs = startMs, Matrix = matrix, SamplesRead = evaluator.SamplesRead, Reads = evaluator.Reads };
    }
}

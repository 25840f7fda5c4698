using System.Globalization;
using System.Text.Json;
using AegisGuard.Query.LogQl.Contracts;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Query.Logs;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Query.LogQl;

/// <summary>
/// What the LogQL-lite endpoints do once their parameters are valid: parse (with every regular expression
/// checked by the engine that will run it), plan for the caller's org, run, and shape the answer.
/// </summary>
public sealed class LogQlQueryService(LogQueryStore store, LogQlMetricEvaluator evaluator, TimeProvider time)
{
    /// <summary>Attribute facets are counted over this many of the newest matching lines.</summary>
    public const int AttributeSampleSize = 1000;

    /// <summary>Attribute keys listed by the facets.</summary>
    public const int TopAttributeKeys = 20;

    /// <summary>Values listed per attribute key, service list and host list.</summary>
    public const int TopValues = 10;

    /// <summary>Bars of an automatic volume histogram, at most.</summary>
    public const int VolumeBuckets = 120;

    // Histogram bucket widths a person reads easily.
    private static readonly TimeSpan[] NiceSteps =
    [
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15),
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3),
        TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(7),
    ];

    /// <summary>Parses <paramref name="text"/> and checks its regular expressions with RE2.</summary>
    /// <exception cref="LogQlSyntaxException">With the column of the problem.</exception>
    public async Task<LogQlExpr> ParseAsync(string text, CancellationToken cancellationToken)
    {
        var expr = LogQlParser.Parse(text);
        foreach (var (pattern, column) in LogQlPlanner.RegularExpressions(expr))
        {
            if (await store.CheckRegexAsync(pattern, cancellationToken) is { } reason)
            {
                throw new LogQlSyntaxException($"invalid regular expression at column {column}: {reason}", column);
            }
        }

        return expr;
    }

    /// <summary>A page of lines of a log query.</summary>
    public async Task<LogLinesResult> SearchAsync(
        LogQueryExpr query, int orgId, DateTime from, DateTime to, int limit, LogSearchDirection direction, LogPosition? after, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var page = await store.SearchAsync(new LogSearchRequest
        {
            Filter = LogQlPlanner.PlanFilter(query, orgId, from, to),
            Limit = limit,
            Direction = direction,
            After = after,
        }, cancellationToken);
        var lines = page.Rows.Select(ToLine).ToList();
        string? cursor = page.Next is { } next ? LogCursor.Encode(next, direction) : null;
        return new LogLinesResult(lines, cursor, Stats(page.RowsScanned, page.FilesRead, started)) { Warnings = QueryWarnings.For(page.Damaged) };
    }

    /// <summary>
    /// Series of a metric query at <paramref name="from"/>, from + step, … up to <paramref name="to"/>, as Loki's
    /// range queries step (no alignment to multiples of the step, so a range that is a whole number of steps ends
    /// with a point at <paramref name="to"/> and the newest lines are always counted).
    /// </summary>
    public async Task<LogSeriesResult> EvaluateAsync(MetricExpr query, int orgId, DateTime from, DateTime to, TimeSpan step, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        // Lines carry whole microseconds, so a start truncated to the microsecond selects exactly the same lines.
        var start = new DateTime(from.Ticks / TimeSpan.TicksPerMicrosecond * TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
        var end = to < start ? start.AddTicks(-1) : start + (step * ((to - start).Ticks / step.Ticks));
        var matrix = await evaluator.EvaluateAsync(query, orgId, start, end, step, cancellationToken);
        var series = matrix.Series.Select(s => new LogSeriesEntry(s.Labels, Points(s.Values, start, step))).ToList();
        return new LogSeriesResult(series, step.TotalSeconds, UnixSeconds(start), UnixSeconds(end), Stats(matrix.RowsScanned, matrix.FilesRead, started))
        {
            Warnings = QueryWarnings.For(matrix.Damaged),
        };
    }

    /// <summary>
    /// Lines per level and time bucket over [from, to) for a stacked histogram: buckets are aligned to multiples of
    /// the step, every level present gets a point in every bucket (zeros included), levels in severity order.
    /// </summary>
    public async Task<LogSeriesResult> VolumeAsync(LogQueryExpr query, int orgId, DateTime from, DateTime to, TimeSpan? step, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var width = step ?? VolumeStep(to - from);
        var start = AlignDown(from, width);
        int buckets = (int)Math.Ceiling((to - start).Ticks / (double)width.Ticks);
        var result = await store.AggregateAsync(new LogAggregationRequest
        {
            Filter = LogQlPlanner.PlanFilter(query, orgId, from, to),
            GroupBy = [LogField.Level],
            BucketOrigin = start,
            BucketWidth = width,
        }, cancellationToken);
        var levels = result.Rows.GroupBy(r => r.Labels[0], StringComparer.Ordinal)
            .OrderBy(g => SeverityOrder(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal);
        var series = new List<LogSeriesEntry>();
        foreach (var level in levels)
        {
            var counts = new double[buckets];
            foreach (var row in level.Where(r => r.Bucket >= 0 && r.Bucket < buckets))
            {
                counts[row.Bucket] += row.Value;
            }

            series.Add(new LogSeriesEntry(
                new Dictionary<string, string> { ["level"] = level.Key },
                counts.Select((c, k) => new[] { UnixSeconds(start + (width * k)), c }).ToList()));
        }

        return new LogSeriesResult(series, width.TotalSeconds, UnixSeconds(start), UnixSeconds(start + (width * Math.Max(0, buckets - 1))),
            Stats(result.RowsScanned, result.FilesRead, started))
        {
            Warnings = QueryWarnings.For(result.Damaged),
        };
    }

    /// <summary>
    /// Exact line counts per service, level and host for the query and range, and the top attribute keys and
    /// values among the newest <see cref="AttributeSampleSize"/> matching lines.
    /// </summary>
    public async Task<LogFacetsResult> FacetsAsync(LogQueryExpr query, int orgId, DateTime from, DateTime to, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var filter = LogQlPlanner.PlanFilter(query, orgId, from, to);
        var counts = await store.CountFacetsAsync(filter, cancellationToken);
        var sample = await store.SearchAsync(new LogSearchRequest { Filter = filter, Limit = AttributeSampleSize }, cancellationToken);
        var attributes = CountAttributes(sample.Rows);
        return new LogFacetsResult(
            counts.Total,
            counts.Services.Take(TopValues).Select(ToFacet).ToList(),
            counts.Levels.Select(ToFacet).ToList(),
            counts.Hosts.Where(h => h.Value.Length > 0).Take(TopValues).Select(ToFacet).ToList(),
            attributes,
            sample.Rows.Count,
            counts.Total > sample.Rows.Count,
            Stats(counts.RowsScanned + sample.RowsScanned, counts.FilesRead + sample.FilesRead, started))
        {
            Warnings = QueryWarnings.For(counts.Damaged.Concat(sample.Damaged)),
        };
    }

    /// <summary>A step of about <see cref="VolumeBuckets"/> bars or fewer for a histogram of <paramref name="range"/>.</summary>
    public static TimeSpan VolumeStep(TimeSpan range)
    {
        foreach (var step in NiceSteps)
        {
            if (range.Ticks / (double)step.Ticks <= VolumeBuckets)
            {
                return step;
            }
        }

        return TimeSpan.FromTicks((long)Math.Ceiling(range.Ticks / (double)VolumeBuckets / TimeSpan.TicksPerDay) * TimeSpan.TicksPerDay);
    }

    /// <summary>The default step of a metric query: about 250 points over the range, whole seconds, at least 1 s.</summary>
    public static TimeSpan DefaultMetricStep(TimeSpan range) =>
        TimeSpan.FromSeconds(Math.Max(1, Math.Floor(range.TotalSeconds / 250)));

    internal static List<AttributeFacet> CountAttributes(IEnumerable<LogRecord> rows)
    {
        var keys = new Dictionary<string, (long Count, Dictionary<string, long> Values)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            using var document = JsonDocument.Parse(row.AttributesJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!keys.TryGetValue(property.Name, out var entry))
                {
                    entry = (0, new Dictionary<string, long>(StringComparer.Ordinal));
                }

                string? value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => null,
                };
                if (value is not null)
                {
                    entry.Values[value] = entry.Values.GetValueOrDefault(value) + 1;
                }

                keys[property.Name] = (entry.Count + 1, entry.Values);
            }
        }

        return keys.OrderByDescending(k => k.Value.Count).ThenBy(k => k.Key, StringComparer.Ordinal).Take(TopAttributeKeys)
            .Select(k => new AttributeFacet(
                k.Key,
                k.Value.Count,
                k.Value.Values.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Take(TopValues)
                    .Select(v => new FacetValue(v.Key, v.Value)).ToList()))
            .ToList();
    }

    // A point for every step with a value; a loop, as a 24 h per-minute answer has tens of thousands of them.
    private static List<double[]> Points(IReadOnlyList<double?> values, DateTime start, TimeSpan step)
    {
        var points = new List<double[]>(values.Count);
        for (int j = 0; j < values.Count; j++)
        {
            if (values[j] is { } value)
            {
                points.Add([UnixSeconds(start + (step * j)), value]);
            }
        }

        return points;
    }

    private static FacetValue ToFacet(LogValueCount count) => new(count.Value, count.Count);

    private static LogsApi.LogLine ToLine(LogRecord r) => new(
        r.Timestamp,
        r.Service,
        r.Level,
        r.Message,
        r.Host,
        r.TraceId,
        r.SpanId,
        JsonDocument.Parse(r.AttributesJson).RootElement.Clone(),
        r.ReceivedAt,
        string.Create(CultureInfo.InvariantCulture, $"{r.SourceAddress}-{r.SourceIndex}"));

    private LogQueryStats Stats(long rowsScanned, int filesRead, long started) =>
        new(rowsScanned, filesRead, Math.Round(time.GetElapsedTime(started).TotalMilliseconds, 2));

    private static int SeverityOrder(string level) => level switch
    {
        "trace" => 0,
        "debug" => 1,
        "info" => 2,
        "warn" => 3,
        "error" => 4,
        "fatal" => 5,
        _ => 6,
    };

    private static DateTime AlignDown(DateTime value, TimeSpan step)
    {
        long ticks = (value - DateTime.UnixEpoch).Ticks;
        long aligned = ticks / step.Ticks * step.Ticks;
        if (aligned > ticks)
        {
            aligned -= step.Ticks;
        }

        return DateTime.UnixEpoch.AddTicks(aligned);
    }

    private static double UnixSeconds(DateTime value) => (value - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}

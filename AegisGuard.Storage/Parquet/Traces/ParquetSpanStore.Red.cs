using System.Globalization;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// RED series: from the raw spans while the files of the range are small, from the per-minute map aggregates (the node
/// rows of the service in <c>map_minutes</c>) beyond — the same switch as the service map (<see cref="MapRawRowLimit"/>,
/// <see cref="MapCatchUpRowLimit"/>), so the services table's sparklines and the map's node charts over a day cost
/// minutes × 1 rows instead of a scan of the day's spans. The aggregates hold one row per service and minute, so a step
/// that is not a whole number of minutes, or an operation filter, is answered from the raw spans (exact, slower) with a
/// note saying why.
/// </summary>
public sealed partial class ParquetSpanStore
{
    /// <inheritdoc />
    public async Task<RedSeries> RedAsync(SpanStatsRequest request, TimeSpan stepWidth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long stepMicros = stepWidth.Ticks / TimeSpan.TicksPerMicrosecond;
        ArgumentOutOfRangeException.ThrowIfLessThan(stepMicros, 1);
        long rows = manifest.ListFiles(Signal.Traces, request.OrgId, request.From, request.To).Sum(f => f.Rows);
        if (rows <= MapRawRowLimit || request.Service is null)
        {
            return await RawRedAsync(request, stepWidth, [], cancellationToken);
        }

        string? why = request.Operation is not null ? "an operation is chosen and the per-minute aggregates are per service"
            : stepMicros % MapContribution.MinuteMicros != 0
                ? string.Create(CultureInfo.InvariantCulture, $"the step of {stepWidth.TotalSeconds:0.###} s is not a whole number of minutes, the aggregates' unit")
            : null;
        if (why is null && manifest.ListFilesReaching(Signal.Traces, Follower.Watermark).Sum(f => f.Rows) is var behind && behind > MapCatchUpRowLimit)
        {
            why = $"the per-minute map aggregates are still being built ({behind} span rows to take in)";
        }

        if (why is not null)
        {
            return await RawRedAsync(request, stepWidth, [$"answered from the raw spans: {why}"], cancellationToken);
        }

        // As the map: spans stored but not yet followed would be missing, so take them in first.
        await Follower.CatchUpAsync(cancellationToken);
        long fromMinute = FloorMinute(TraceSummaryBuilder.Micros(request.From));
        long toMinute = FloorMinute(TraceSummaryBuilder.Micros(request.To) - 1) + 1;
        var minutes = manifest.ReadServiceMinutes(request.OrgId, request.Service, fromMinute, toMinute);

        // Buckets as the raw series makes them (multiples of the step since 1970); a step of whole minutes holds whole minutes.
        long first = Math.DivRem(TraceSummaryBuilder.Micros(request.From), stepMicros, out _) * stepMicros;
        long last = Math.DivRem(TraceSummaryBuilder.Micros(request.To) - 1, stepMicros, out _) * stepMicros;
        var buckets = new Dictionary<long, MapCell>();
        foreach (var (minute, cell) in minutes)
        {
            long bucket = Math.DivRem(minute * MapContribution.MinuteMicros, stepMicros, out _) * stepMicros;
            if (!buckets.TryGetValue(bucket, out var merged))
            {
                buckets[bucket] = merged = new MapCell();
            }

            merged.Merge(cell);
        }

        // Over entry spans when the range holds any, else over all of the service's spans — the raw series' rule.
        bool entries = buckets.Values.Any(c => c.Requests > 0);
        var points = new List<RedPoint>();
        for (long bucket = first; bucket <= last; bucket += stepMicros)
        {
            var start = TraceSummaryBuilder.FromMicros(bucket);
            if (!buckets.TryGetValue(bucket, out var cell) || (entries ? cell.Requests : cell.Spans) == 0)
            {
                points.Add(new RedPoint(start, 0, 0, null, null, null));
                continue;
            }

            var sketch = entries ? cell.Entry : cell.All;
            points.Add(new RedPoint(start, entries ? cell.Requests : cell.Spans, entries ? cell.RequestErrors : cell.Errors,
                sketch.Quantile(0.5), sketch.Quantile(0.95), sketch.Quantile(0.99)));
        }

        return new RedSeries(stepWidth, points, [], "aggregates", LatencySketch.RelativeError,
            TraceSummaryBuilder.FromMicros(fromMinute * MapContribution.MinuteMicros), TraceSummaryBuilder.FromMicros(toMinute * MapContribution.MinuteMicros));
    }
}

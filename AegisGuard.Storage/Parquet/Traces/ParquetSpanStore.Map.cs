using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// The service map: exact from the raw spans while the files of the range are small, from the per-minute aggregates
/// the follower keeps (migration 0006, <see cref="MapContribution"/>) beyond. Raw over 24 h of 1 M spans costs ~2.5 s and
/// grows with the spans; the aggregates cost ~1,440 minutes × (services + edges) rows whatever the span count.
/// </summary>
public sealed partial class ParquetSpanStore : IServiceMapSource
{
    /// <summary>
    /// Above this many span rows in the files listed for the range, the map reads the aggregates. About 250 k rows are
    /// read raw in ~0.25 s on the reference machine (docs/benchmarks.md, #12), well inside the map's goal.
    /// </summary>
    public long MapRawRowLimit { get; set; } = 250_000;

    /// <summary>
    /// Beyond this many span rows not yet followed (a backlog after a restart, or the whole data set right after
    /// migration 0006), the map does not catch the follower up inside the request — that could take minutes — but
    /// answers from the raw spans (exact, slower) and says why; the follower catches up in the background.
    /// </summary>
    public long MapCatchUpRowLimit { get; set; } = 1_000_000;

    /// <inheritdoc />
    public async Task<ServiceMapAnswer> ServiceMapAsync(SpanStatsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var all = request with { Service = null, Operation = null };
        long rows = manifest.ListFiles(Signal.Traces, all.OrgId, all.From - ParentLookbehind, all.To).Sum(f => f.Rows);
        long behind = rows <= MapRawRowLimit ? 0 : manifest.ListFilesReaching(Signal.Traces, Follower.Watermark).Sum(f => f.Rows);
        if (rows <= MapRawRowLimit || behind > MapCatchUpRowLimit)
        {
            IEnumerable<string> notes = behind > MapCatchUpRowLimit
                ? [$"the per-minute map aggregates are still being built ({behind} span rows to take in): answered from the raw spans"]
                : [];
            // Two independent scans: run side by side, the map costs the slower of them rather than their sum.
            var nodesTask = StatsAsync(all, cancellationToken);
            var edgesTask = EdgesAsync(all, cancellationToken);
            await Task.WhenAll(nodesTask, edgesTask);
            var (nodes, edges) = (await nodesTask, await edgesTask);
            return new ServiceMapAnswer(nodes.Groups, edges.Edges, "raw", 0, all.From, all.To,
                notes.Concat(nodes.Warnings).Concat(edges.Warnings).Distinct(StringComparer.Ordinal).ToList());
        }

        // Spans stored but not yet followed would be missing: take them in first (normally a few milliseconds, the
        // follower runs in a loop). Spans still in the ingest log are not in the raw files either.
        await Follower.CatchUpAsync(cancellationToken);
        long fromMinute = FloorMinute(TraceSummaryBuilder.Micros(all.From));
        long toMinute = FloorMinute(TraceSummaryBuilder.Micros(all.To) - 1) + 1;
        var cells = manifest.ReadMapMinutes(all.OrgId, fromMinute, toMinute);
        var groups = cells.Where(c => c.Key.Callee.Length == 0 && c.Value.Spans > 0).OrderBy(c => c.Key.Caller, StringComparer.Ordinal).Select(c =>
        {
            var cell = c.Value;
            var sketch = cell.Requests > 0 ? cell.Entry : cell.All;
            return new SpanGroupStats
            {
                Name = c.Key.Caller,
                SpanCount = cell.Spans,
                RequestCount = cell.Requests,
                ErrorRate = cell.Requests > 0 ? (double)cell.RequestErrors / cell.Requests : (double)cell.Errors / cell.Spans,
                P50Micros = sketch.Quantile(0.5) ?? 0,
                P95Micros = sketch.Quantile(0.95) ?? 0,
                P99Micros = sketch.Quantile(0.99) ?? 0,
                Operations = 0,
            };
        }).ToList();
        var edgeRows = cells.Where(c => c.Key.Callee.Length > 0 && c.Value.Spans > 0)
            .OrderBy(c => c.Key.Caller, StringComparer.Ordinal).ThenBy(c => c.Key.Callee, StringComparer.Ordinal)
            .Select(c => new ServiceEdgeStats
            {
                Caller = c.Key.Caller,
                Callee = c.Key.Callee,
                CallCount = c.Value.Spans,
                ErrorCount = c.Value.Errors,
                P50Micros = c.Value.All.Quantile(0.5) ?? 0,
                P95Micros = c.Value.All.Quantile(0.95) ?? 0,
                P99Micros = c.Value.All.Quantile(0.99) ?? 0,
            }).ToList();
        return new ServiceMapAnswer(groups, edgeRows, "aggregates", LatencySketch.RelativeError,
            TraceSummaryBuilder.FromMicros(fromMinute * MapContribution.MinuteMicros), TraceSummaryBuilder.FromMicros(toMinute * MapContribution.MinuteMicros), []);
    }

    private static long FloorMinute(long micros)
    {
        long minute = Math.DivRem(micros, MapContribution.MinuteMicros, out long rest);
        return rest < 0 ? minute - 1 : minute;
    }
}

namespace AegisGuard.Query.Traces;

/// <summary>The answers of the traces API (docs/traces.md and the tracepages helper's contract).</summary>
public static partial class TracesApi
{
    /// <summary>One trace in search results.</summary>
    public sealed record TraceSummaryView(
        string TraceId, string RootService, string RootOperation, DateTime Start, double DurationMs, int SpanCount,
        IReadOnlyList<string> Services, int ErrorCount, bool RootMissing);

    /// <summary>GET /api/traces.</summary>
    public sealed record TraceSearchResult(IReadOnlyList<TraceSummaryView> Traces, string? NextCursor, IReadOnlyList<string> Warnings);

    /// <summary>One service of GET /api/services (and a node of the map, without operations).</summary>
    public sealed record ServiceView(string Name, long SpanCount, double RequestRate, double ErrorRate, double P50Ms, double P95Ms, double P99Ms, int Operations);

    /// <summary>GET /api/services.</summary>
    public sealed record ServicesResult(IReadOnlyList<ServiceView> Services, IReadOnlyList<string> Warnings);

    /// <summary>One operation of GET /api/services/{service}/operations.</summary>
    public sealed record OperationView(string Name, long SpanCount, double RequestRate, double ErrorRate, double P50Ms, double P95Ms, double P99Ms);

    /// <summary>GET /api/services/{service}/operations.</summary>
    public sealed record OperationsResult(string Service, IReadOnlyList<OperationView> Operations, IReadOnlyList<string> Warnings);

    /// <summary>A node of the service map.</summary>
    public sealed record MapNode(string Service, long SpanCount, double RequestRate, double ErrorRate, double P50Ms, double P95Ms, double P99Ms);

    /// <summary>An edge of the service map: calls from caller spans to child spans of callee.</summary>
    public sealed record MapEdge(string Caller, string Callee, long CallCount, double RatePerSecond, double ErrorRate, double P50Ms, double P95Ms, double P99Ms);

    /// <summary>
    /// GET /api/services/map. <c>Source</c> is <c>raw</c> (exact) or <c>aggregates</c> (per-minute aggregates over a large
    /// range: counts exact, percentiles within ±<c>PercentileError</c> relative, the range widened to whole minutes as
    /// <c>From</c>/<c>To</c> say).
    /// </summary>
    public sealed record ServiceMapResult(
        IReadOnlyList<MapNode> Nodes, IReadOnlyList<MapEdge> Edges, IReadOnlyList<string> Warnings, string Source, double PercentileError, DateTime From, DateTime To);

    /// <summary>Calls of an edge between two operations.</summary>
    public sealed record EdgeOperationView(string CallerOperation, string CalleeOperation, long CallCount, long ErrorCount, double P95Ms);

    /// <summary>GET /api/services/map/edge.</summary>
    public sealed record EdgeResult(string Caller, string Callee, IReadOnlyList<EdgeOperationView> Operations, IReadOnlyList<TraceSummaryView> Traces, IReadOnlyList<string> Warnings);

    /// <summary>A histogram bucket in ms: [lowerMs, upperMs).</summary>
    public sealed record DurationBucketView(double LowerMs, double UpperMs, long Count);

    /// <summary>GET /api/traces/durations.</summary>
    public sealed record DurationsResult(long Count, IReadOnlyDictionary<string, double> Percentiles, IReadOnlyList<DurationBucketView> Histogram, IReadOnlyList<string> Warnings);

    /// <summary>
    /// GET /api/services/{service}/red: [epochMs, value] points, one per step. <c>Source</c> says whether they come from the
    /// spans (<c>raw</c>, exact) or the per-minute aggregates (<c>aggregates</c>: exact counts, percentiles within
    /// <c>PercentileError</c>, the spans counted those of <c>From</c>/<c>To</c> widened to whole minutes).
    /// </summary>
    public sealed record RedResult(
        long StepMs, IReadOnlyList<double?[]> Rate, IReadOnlyList<double?[]> Errors, IReadOnlyList<double?[]> P50, IReadOnlyList<double?[]> P95,
        IReadOnlyList<double?[]> P99, IReadOnlyList<string> Warnings, string Source, double PercentileError, DateTime From, DateTime To);
}

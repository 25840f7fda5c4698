namespace AegisGuard.Storage.Traces;

/// <summary>
/// What the traces API asks of a span store: one trace's spans, trace search over per-trace summaries, and span
/// aggregates (services, operations, the service map, duration distributions, RED series). Every call is scoped to
/// one org taken from the caller's principal. The Parquet store implements it today; a ClickHouse adapter implements
/// the same interface, and <c>AegisGuard.Tests/Storage/Traces/SpanStoreContract</c> is the behaviour both must show.
/// </summary>
/// <remarks>
/// Time ranges are [from, to): a span belongs to a range by its start, a trace by its earliest span start. Trace ids are
/// matched case-insensitively. Durations are microseconds. A span is an <em>entry</em> span (a request) when its kind is
/// server or consumer or it has no parent.
/// </remarks>
public interface ISpanStore
{
    /// <summary>Every stored span of one trace (at most <paramref name="maxSpans"/>, earliest first), or null when the org has none.</summary>
    Task<TraceSpans?> GetTraceAsync(int orgId, string traceId, int maxSpans, CancellationToken cancellationToken);

    /// <summary>Trace summaries matching the request, newest (or longest) first, with a cursor for the next page.</summary>
    Task<TraceSearchPage> SearchAsync(TraceSearchRequest request, CancellationToken cancellationToken);

    /// <summary>Summaries of the given traces (those the org has), newest first.</summary>
    Task<IReadOnlyList<TraceSummary>> SummariesAsync(int orgId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken);

    /// <summary>Per service (or, with <see cref="SpanStatsRequest.Service"/>, per operation of it) span and request figures.</summary>
    Task<SpanStatsResult> StatsAsync(SpanStatsRequest request, CancellationToken cancellationToken);

    /// <summary>Caller → callee edges: child spans whose parent span belongs to another service.</summary>
    Task<ServiceEdgesResult> EdgesAsync(SpanStatsRequest request, CancellationToken cancellationToken);

    /// <summary>The calls of one edge by (caller operation, callee operation), and the newest traces holding it.</summary>
    Task<ServiceEdgeDetail> EdgeAsync(SpanStatsRequest request, string caller, string callee, int maxTraces, CancellationToken cancellationToken);

    /// <summary>
    /// Percentiles and a log-spaced histogram of trace durations, or of span durations when the request names a service
    /// or operation.
    /// </summary>
    Task<DurationDistribution> DurationsAsync(SpanStatsRequest request, int buckets, CancellationToken cancellationToken);

    /// <summary>Requests, errors and latency of one service's entry spans per step (every step present).</summary>
    Task<RedSeries> RedAsync(SpanStatsRequest request, TimeSpan stepWidth, CancellationToken cancellationToken);
}

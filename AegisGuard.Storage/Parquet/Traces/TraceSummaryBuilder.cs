using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// Computes a trace's summary from every span of it seen so far. Recomputed from all the spans rather than merged into
/// the old figures, because only the spans tell a duplicate (the same span id sent again) from a new span, and a root
/// that arrives late from an earliest span that stood in for it.
/// </summary>
internal static class TraceSummaryBuilder
{
    /// <summary>The first copy of each span id (by ingest position), as the trace view keeps it.</summary>
    public static List<StoredSpan> Distinct(IEnumerable<StoredSpan> spans) => spans
        .OrderBy(s => s.SourceAddress).ThenBy(s => s.SourceIndex)
        .DistinctBy(s => s.SpanId, StringComparer.Ordinal)
        .ToList();

    public static TraceSummaryState Build(int orgId, string traceId, IEnumerable<StoredSpan> spans)
    {
        var unique = Distinct(spans);
        if (unique.Count == 0)
        {
            throw new ArgumentException("a trace summary needs at least one span", nameof(spans));
        }

        var start = unique.Min(s => s.Start);
        var end = unique.Max(s => s.End);
        var lastStart = unique.Max(s => s.Start);
        var root = unique.Where(s => s.ParentSpanId is null).OrderBy(s => s.Start).ThenBy(s => s.SpanId, StringComparer.Ordinal).FirstOrDefault();
        bool rootMissing = root is null;
        root ??= unique.OrderBy(s => s.Start).ThenBy(s => s.SpanId, StringComparer.Ordinal).First();
        var operations = unique
            .GroupBy(s => (s.Service, s.Name))
            .Select(g => new TraceOperationCount(g.Key.Service, g.Key.Name, g.Count(), g.Count(IsError)))
            .OrderBy(o => o.Service, StringComparer.Ordinal).ThenBy(o => o.Operation, StringComparer.Ordinal)
            .ToList();
        var summary = new TraceSummary
        {
            TraceId = traceId,
            RootService = root.Service,
            RootOperation = root.Name,
            Start = start,
            End = end,
            DurationMicros = Micros(end) - Micros(start),
            SpanCount = unique.Count,
            Services = operations.Select(o => o.Service).Distinct(StringComparer.Ordinal).ToList(),
            ErrorCount = unique.Count(IsError),
            RootMissing = rootMissing,
        };
        return new TraceSummaryState(orgId, summary, lastStart, operations);
    }

    public static long Micros(DateTime value) => (value - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static DateTime FromMicros(long micros) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);

    private static bool IsError(StoredSpan span) => span.Status == "error";
}

using AegisGuard.Storage.Traces;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// What one trace's spans add to the per-minute service-map aggregates, computed from the spans alone so the follower
/// can subtract what a trace added last time (its spans below the previous watermark, which do not change) and add
/// what all of its spans add now. Mirrors the raw map queries in <c>ParquetSpanStore.Aggregates</c>: copies of a span
/// (same span id) count once — here the copy received first (lowest source address, then index), so the choice is
/// the same every time the trace is recomputed; a node counts every span by its start minute, a request is an entry
/// span (<see cref="SpanRows.IsEntry"/>); an edge is a child whose parent, in the same trace, belongs to another
/// service, at the child's start minute. Unlike the raw query, the parent may have started any time before the child
/// (the raw query looks back <c>ParentLookbehind</c> from the range's start only).
/// </summary>
internal static class MapContribution
{
    /// <summary>Microseconds in a minute: the aggregates' step.</summary>
    public const long MinuteMicros = 60_000_000;

    /// <summary>The cells (minute, caller or service, callee or '') the spans of one trace add to.</summary>
    public static Dictionary<(long Minute, string Caller, string Callee), MapCell> Build(IEnumerable<StoredSpan> traceSpans)
    {
        var spans = traceSpans
            .OrderBy(s => s.SourceAddress).ThenBy(s => s.SourceIndex)
            .DistinctBy(s => s.SpanId, StringComparer.Ordinal)
            .ToList();
        var byId = spans.ToDictionary(s => s.SpanId, StringComparer.Ordinal);
        var cells = new Dictionary<(long, string, string), MapCell>();
        MapCell Cell(long minute, string caller, string callee)
        {
            if (!cells.TryGetValue((minute, caller, callee), out var cell))
            {
                cells[(minute, caller, callee)] = cell = new MapCell();
            }

            return cell;
        }

        foreach (var span in spans)
        {
            long minute = Math.DivRem(TraceSummaryBuilder.Micros(span.Start), MinuteMicros, out long rest);
            minute -= rest < 0 ? 1 : 0;
            bool error = span.Status == "error";
            bool entry = span.Kind is "server" or "consumer" || span.ParentSpanId is null;
            var node = Cell(minute, span.Service, string.Empty);
            node.Spans++;
            node.Errors += error ? 1 : 0;
            node.All.Add(span.DurationMicros);
            if (entry)
            {
                node.Requests++;
                node.RequestErrors += error ? 1 : 0;
                node.Entry.Add(span.DurationMicros);
            }

            if (span.ParentSpanId is { } parentId && byId.TryGetValue(parentId, out var parent) && parent.Service != span.Service)
            {
                var edge = Cell(minute, parent.Service, span.Service);
                edge.Spans++;
                edge.Errors += error ? 1 : 0;
                edge.All.Add(span.DurationMicros);
            }
        }

        return cells;
    }

    /// <summary>Adds <paramref name="cells"/> into <paramref name="into"/> with <paramref name="sign"/>.</summary>
    public static void Merge(Dictionary<(long Minute, string Caller, string Callee), MapCell> into, Dictionary<(long Minute, string Caller, string Callee), MapCell> cells, int sign)
    {
        foreach (var (key, cell) in cells)
        {
            if (!into.TryGetValue(key, out var target))
            {
                into[key] = target = new MapCell();
            }

            target.Merge(cell, sign);
        }
    }
}

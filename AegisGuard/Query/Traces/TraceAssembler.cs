using System.Text.Json;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Query.Traces;

/// <summary>
/// Turns a trace's stored spans into the trace view: copies of one span id dropped (the first received is kept),
/// parents resolved, orphans (parent id not in the trace) and spans caught in a parent cycle shown at root level after
/// the true roots, depth-first order, clock skew flagged, and the critical path of the first root marked. Iterative
/// throughout, so a trace thousands of levels deep does not exhaust the stack.
/// </summary>
public static class TraceAssembler
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static AssembledTrace Assemble(string traceId, TraceSpans stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var copies = stored.Spans
            .OrderBy(s => s.SourceAddress).ThenBy(s => s.SourceIndex)
            .GroupBy(s => s.SpanId, StringComparer.Ordinal)
            .Select(g => (Span: g.First(), Duplicates: g.Count() - 1))
            .ToList();
        var byId = copies.ToDictionary(c => c.Span.SpanId, c => c.Span, StringComparer.Ordinal);
        var duplicates = copies.ToDictionary(c => c.Span.SpanId, c => c.Duplicates, StringComparer.Ordinal);
        var children = new Dictionary<string, List<StoredSpan>>(StringComparer.Ordinal);
        var roots = new List<StoredSpan>();
        var orphans = new List<StoredSpan>();
        foreach (var (span, _) in copies)
        {
            if (span.ParentSpanId is null)
            {
                roots.Add(span);
            }
            else if (span.ParentSpanId != span.SpanId && byId.ContainsKey(span.ParentSpanId))
            {
                if (!children.TryGetValue(span.ParentSpanId, out var list))
                {
                    children[span.ParentSpanId] = list = [];
                }

                list.Add(span);
            }
            else
            {
                orphans.Add(span);
            }
        }

        foreach (var list in children.Values)
        {
            list.Sort(ByStart);
        }

        roots.Sort(ByStart);
        orphans.Sort(ByStart);
        var orphanIds = orphans.Select(o => o.SpanId).ToHashSet(StringComparer.Ordinal);
        var order = new List<(StoredSpan Span, int Depth)>(copies.Count);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Walk(roots.Concat(orphans), children, order, visited);

        // Spans whose parents form a cycle are reachable from no root: show them at root level, flagged as orphans.
        var unreached = copies.Select(c => c.Span).Where(s => !visited.Contains(s.SpanId)).OrderBy(s => s, Comparer<StoredSpan>.Create(ByStart)).ToList();
        while (unreached.FirstOrDefault(s => !visited.Contains(s.SpanId)) is { } next)
        {
            orphanIds.Add(next.SpanId);
            Walk([next], children, order, visited);
        }

        var critical = CriticalPath(roots.Count > 0 ? roots[0] : orphans.FirstOrDefault() ?? order[0].Span, children);
        var start = copies.Min(c => c.Span.Start);
        var end = copies.Max(c => c.Span.End);
        var spans = order.Select(entry =>
        {
            var s = entry.Span;
            var parent = s.ParentSpanId is not null && !orphanIds.Contains(s.SpanId) ? byId[s.ParentSpanId] : null;
            return new AssembledSpan
            {
                SpanId = s.SpanId,
                ParentSpanId = s.ParentSpanId,
                Service = s.Service,
                Name = s.Name,
                Kind = s.Kind,
                Start = s.Start,
                End = s.End,
                DurationMs = s.DurationMicros / 1000.0,
                OffsetMs = Milliseconds(s.Start - start),
                Depth = entry.Depth,
                ChildCount = children.TryGetValue(s.SpanId, out var kids) ? kids.Count : 0,
                Status = s.Status,
                StatusMessage = s.StatusMessage,
                Attributes = ParseObject(s.AttributesJson),
                Events = ParseEvents(s.EventsJson),
                Links = ParseLinks(s.LinksJson),
                Resource = s.ResourceJson is null ? EmptyObject : ParseObject(s.ResourceJson),
                Orphan = orphanIds.Contains(s.SpanId),
                OutsideParent = parent is not null && (s.Start < parent.Start || s.End > parent.End),
                DuplicateCount = duplicates[s.SpanId],
                CriticalPath = critical.Contains(s.SpanId),
            };
        }).ToList();
        return new AssembledTrace
        {
            TraceId = traceId,
            Start = start,
            End = end,
            DurationMs = Milliseconds(end - start),
            SpanCount = copies.Count,
            ErrorCount = copies.Count(c => c.Span.Status == "error"),
            Services = copies.GroupBy(c => c.Span.Service, StringComparer.Ordinal)
                .Select(g => new TraceServiceCount(g.Key, g.Count(), g.Count(c => c.Span.Status == "error")))
                .OrderBy(s => s.Name, StringComparer.Ordinal).ToList(),
            Spans = spans,
            Truncated = stored.Truncated,
            Warnings = stored.Warnings,
        };
    }

    /// <summary>
    /// The critical path below <paramref name="root"/>: from the end backwards, the child that finished last before the
    /// cursor is on it (and, within it, its own last-finishing children), then the cursor moves to that child's start.
    /// A child running past its parent (clock skew) counts only up to the cursor.
    /// </summary>
    internal static HashSet<string> CriticalPath(StoredSpan root, Dictionary<string, List<StoredSpan>> children)
    {
        var path = new HashSet<string>(StringComparer.Ordinal);
        var work = new Stack<(StoredSpan Span, DateTime Cursor)>();
        work.Push((root, root.End));
        while (work.Count > 0)
        {
            var (span, until) = work.Pop();
            if (!path.Add(span.SpanId) || !children.TryGetValue(span.SpanId, out var kids))
            {
                continue;
            }

            var cursor = until < span.End ? until : span.End;
            var remaining = kids.ToList();
            while (true)
            {
                StoredSpan? last = null;
                DateTime lastEnd = DateTime.MinValue;
                foreach (var kid in remaining)
                {
                    var kidEnd = kid.End < cursor ? kid.End : cursor;
                    if (kid.Start < cursor && (last is null || kidEnd > lastEnd))
                    {
                        last = kid;
                        lastEnd = kidEnd;
                    }
                }

                if (last is null)
                {
                    break;
                }

                work.Push((last, lastEnd));
                remaining.Remove(last);
                cursor = last.Start;
            }
        }

        return path;
    }

    private static void Walk(IEnumerable<StoredSpan> tops, Dictionary<string, List<StoredSpan>> children, List<(StoredSpan, int)> order, HashSet<string> visited)
    {
        var stack = new Stack<(StoredSpan Span, int Depth)>();
        foreach (var top in tops)
        {
            stack.Push((top, 0));
            while (stack.Count > 0)
            {
                var (span, depth) = stack.Pop();
                if (!visited.Add(span.SpanId))
                {
                    continue;
                }

                order.Add((span, depth));
                if (children.TryGetValue(span.SpanId, out var kids))
                {
                    for (int i = kids.Count - 1; i >= 0; i--)
                    {
                        stack.Push((kids[i], depth + 1));
                    }
                }
            }
        }
    }

    private static int ByStart(StoredSpan a, StoredSpan b)
    {
        int byStart = a.Start.CompareTo(b.Start);
        return byStart != 0 ? byStart : string.CompareOrdinal(a.SpanId, b.SpanId);
    }

    private static double Milliseconds(TimeSpan span) => span.Ticks / (double)TimeSpan.TicksPerMillisecond;

    /// <summary>The stored events (<c>[{"time","name","attributes"}]</c>); an unreadable text shows as none.</summary>
    private static List<SpanEventView> ParseEvents(string? json)
    {
        if (json is null || ParseArray(json) is not { } array)
        {
            return [];
        }

        var events = new List<SpanEventView>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object &&
                item.TryGetProperty("time", out var time) && time.TryGetDateTime(out var at) &&
                item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                events.Add(new SpanEventView(DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc), name.GetString()!, Attributes(item)));
            }
        }

        return events;
    }

    /// <summary>The stored links (<c>[{"trace_id","span_id","attributes"}]</c>); whether each trace is stored is set by the API.</summary>
    private static List<SpanLinkView> ParseLinks(string? json)
    {
        if (json is null || ParseArray(json) is not { } array)
        {
            return [];
        }

        var links = new List<SpanLinkView>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object &&
                item.TryGetProperty("trace_id", out var trace) && trace.ValueKind == JsonValueKind.String &&
                item.TryGetProperty("span_id", out var span) && span.ValueKind == JsonValueKind.String)
            {
                links.Add(new SpanLinkView(trace.GetString()!, span.GetString()!, Attributes(item), TraceStored: false));
            }
        }

        return links;
    }

    private static JsonElement Attributes(JsonElement item) =>
        item.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object ? attributes.Clone() : EmptyObject;

    private static JsonElement? ParseArray(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement ParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : EmptyObject;
        }
        catch (JsonException)
        {
            return EmptyObject;
        }
    }
}

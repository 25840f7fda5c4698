using AegisGuard.Storage.Traces;

namespace AegisGuard.Query.Traces;

/// <summary>
/// Finds a trace under every form its id may be stored in (<see cref="TraceIds.LookupForms"/>): a 16-digit id finds the
/// spans stored widened to 32 digits and those stored as sent before ingestion widened them, and a widened id finds
/// both as well. The trace page, the traces API and log lines' trace links all come through here.
/// </summary>
public static class TraceLookup
{
    /// <summary>The trace's spans under all its forms (null when none is stored in the org), and the form to show.</summary>
    public static async Task<(string TraceId, TraceSpans? Spans)> GetAsync(ISpanStore store, int orgId, string traceId, int maxSpans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var forms = TraceIds.LookupForms(traceId);
        TraceSpans? found = null;
        foreach (string form in forms)
        {
            if (await store.GetTraceAsync(orgId, form, maxSpans, cancellationToken) is not { } spans)
            {
                continue;
            }

            if (found is null)
            {
                found = spans;
                continue;
            }

            var all = found.Spans.Concat(spans.Spans).OrderBy(s => s.Start).ThenBy(s => s.SourceAddress).ThenBy(s => s.SourceIndex).ToList();
            found = new TraceSpans(
                all.Count > maxSpans ? all[..maxSpans] : all,
                found.Truncated || spans.Truncated || all.Count > maxSpans,
                [.. found.Warnings, .. spans.Warnings.Except(found.Warnings, StringComparer.Ordinal)]);
        }

        return (forms[0], found);
    }

    /// <summary>
    /// Sets <see cref="SpanLinkView.TraceStored"/> on the trace's links: whether the caller's org has a summary of the
    /// linked trace (under any of its forms), so the panel links only traces that will open.
    /// </summary>
    public static async Task<AssembledTrace> MarkStoredLinksAsync(ISpanStore store, int orgId, AssembledTrace trace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(trace);
        var linked = trace.Spans.SelectMany(s => s.Links).Select(l => l.TraceId).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (linked.Count == 0)
        {
            return trace;
        }

        var forms = linked.SelectMany(TraceIds.LookupForms).Distinct(StringComparer.Ordinal).ToList();
        var stored = (await store.SummariesAsync(orgId, forms, cancellationToken)).Select(s => s.TraceId.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        bool Stored(string id) => TraceIds.LookupForms(id).Any(stored.Contains);
        return trace with
        {
            Spans = trace.Spans.Select(s => s.Links.Count == 0 ? s : s with { Links = s.Links.Select(l => l with { TraceStored = Stored(l.TraceId) }).ToList() }).ToList(),
        };
    }
}

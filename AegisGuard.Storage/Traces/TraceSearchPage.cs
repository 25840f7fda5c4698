namespace AegisGuard.Storage.Traces;

/// <summary>One page of trace search.</summary>
/// <param name="Traces">The summaries, in the search's order.</param>
/// <param name="Next">Where the next page starts, or null when this is the last.</param>
/// <param name="Warnings">What the answer may be missing and why.</param>
public sealed record TraceSearchPage(IReadOnlyList<TraceSummary> Traces, TraceSearchCursor? Next, IReadOnlyList<string> Warnings);

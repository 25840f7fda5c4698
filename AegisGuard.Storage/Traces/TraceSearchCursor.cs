namespace AegisGuard.Storage.Traces;

/// <summary>Where the next page of a search starts: after the trace with this sort value and id.</summary>
/// <param name="SortValue">Start (unix µs) or duration (µs) of the last trace of the page, by the search's sort.</param>
/// <param name="TraceId">Its trace id (lower case).</param>
public sealed record TraceSearchCursor(long SortValue, string TraceId);

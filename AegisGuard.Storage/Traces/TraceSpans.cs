namespace AegisGuard.Storage.Traces;

/// <summary>The spans of one trace as stored (copies of one span id included), earliest first.</summary>
/// <param name="Spans">The spans.</param>
/// <param name="Truncated">True when the trace holds more spans than were asked for.</param>
/// <param name="Warnings">What the answer is missing and why (e.g. a damaged file moved aside).</param>
public sealed record TraceSpans(IReadOnlyList<StoredSpan> Spans, bool Truncated, IReadOnlyList<string> Warnings);

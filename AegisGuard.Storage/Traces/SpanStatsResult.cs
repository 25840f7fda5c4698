namespace AegisGuard.Storage.Traces;

/// <summary>Groups of spans, sorted by name.</summary>
/// <param name="Groups">The groups.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
public sealed record SpanStatsResult(IReadOnlyList<SpanGroupStats> Groups, IReadOnlyList<string> Warnings);

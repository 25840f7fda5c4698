namespace AegisGuard.Storage.Traces;

/// <summary>One edge of the service map in detail.</summary>
/// <param name="Operations">Calls by operation pair, most calls first.</param>
/// <param name="Traces">The newest traces holding a call of the edge, newest first.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
public sealed record ServiceEdgeDetail(IReadOnlyList<EdgeOperationStats> Operations, IReadOnlyList<TraceSummary> Traces, IReadOnlyList<string> Warnings);

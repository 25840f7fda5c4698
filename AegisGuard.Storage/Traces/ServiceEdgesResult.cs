namespace AegisGuard.Storage.Traces;

/// <summary>The edges of the service map, sorted by caller then callee.</summary>
/// <param name="Edges">The edges.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
public sealed record ServiceEdgesResult(IReadOnlyList<ServiceEdgeStats> Edges, IReadOnlyList<string> Warnings);

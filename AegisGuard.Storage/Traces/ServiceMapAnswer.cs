namespace AegisGuard.Storage.Traces;

/// <summary>The service map's nodes and edges, and where they were read from.</summary>
/// <param name="Nodes">Per service figures, as <see cref="ISpanStore.StatsAsync"/> gives them.</param>
/// <param name="Edges">Caller → callee edges, as <see cref="ISpanStore.EdgesAsync"/> gives them.</param>
/// <param name="Source"><c>raw</c> (exact, from the spans) or <c>aggregates</c> (per-minute aggregates: exact counts, percentiles within <see cref="PercentileError"/>).</param>
/// <param name="PercentileError">The relative error of the percentiles: 0 for raw.</param>
/// <param name="From">The start of the range the figures cover (aggregates widen the range to whole minutes).</param>
/// <param name="To">The end of that range.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
public sealed record ServiceMapAnswer(
    IReadOnlyList<SpanGroupStats> Nodes, IReadOnlyList<ServiceEdgeStats> Edges, string Source, double PercentileError, DateTime From, DateTime To,
    IReadOnlyList<string> Warnings);

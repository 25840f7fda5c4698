namespace AegisGuard.Storage.Traces;

/// <summary>
/// A span store that can answer the whole service map at once, choosing between the raw spans and precomputed
/// aggregates. Optional beside <see cref="ISpanStore"/> (an adapter without aggregates answers with
/// <see cref="ISpanStore.StatsAsync"/> and <see cref="ISpanStore.EdgesAsync"/>).
/// </summary>
public interface IServiceMapSource
{
    /// <summary>The map of the request's org and range (service and operation are ignored).</summary>
    Task<ServiceMapAnswer> ServiceMapAsync(SpanStatsRequest request, CancellationToken cancellationToken);
}

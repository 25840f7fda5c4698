using System.Text.Json.Serialization;

namespace AegisGuard.Query.Metrics;

/// <summary>The answer of GET /api/metrics/catalog: every metric of the caller's org, as the Metrics page lists them.</summary>
/// <param name="Metrics">Metrics by name (ordinal order), each with its type, series count, last-seen time and labels.</param>
/// <param name="Series">Series read to build the answer.</param>
/// <param name="Truncated">True when the org has more series than <see cref="MetricCatalogApi.MaxSeries"/>: counts
/// and values then cover only the first series by labels.</param>
public sealed record MetricCatalogResult(
    [property: JsonPropertyName("metrics")] IReadOnlyList<MetricCatalogEntry> Metrics,
    [property: JsonPropertyName("series")] int Series,
    [property: JsonPropertyName("truncated")] bool Truncated);

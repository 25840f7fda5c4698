using System.Text.Json.Serialization;

namespace AegisGuard.Query.Metrics;

/// <summary>A label of one metric and the values its series carry.</summary>
/// <param name="Name">Label name.</param>
/// <param name="Values">Distinct values, sorted ordinally; at most <see cref="MetricCatalogApi.MaxValuesPerLabel"/>.</param>
/// <param name="ValueCount">How many distinct values there are (may exceed the values listed).</param>
public sealed record MetricCatalogLabel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("values")] IReadOnlyList<string> Values,
    [property: JsonPropertyName("value_count")] int ValueCount);

using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>An attribute key, how many sampled lines carry it, and its most frequent values.</summary>
/// <param name="Key">The attribute name (as used in a query: <c>{key="value"}</c>).</param>
/// <param name="Count">Sampled lines carrying the key.</param>
/// <param name="Values">Most frequent values (objects and arrays are counted for the key but not listed as values).</param>
public sealed record AttributeFacet(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("values")] IReadOnlyList<FacetValue> Values);

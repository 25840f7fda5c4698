using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>The answer of GET /api/logs/facets.</summary>
/// <param name="Total">Lines matching the query in the range (exact).</param>
/// <param name="Services">Top services by lines (exact counts).</param>
/// <param name="Levels">Every level present, by lines (exact counts).</param>
/// <param name="Hosts">Top hosts by lines (exact counts).</param>
/// <param name="Attributes">The most frequent attribute keys, each with its most frequent values, counted over
/// the newest <see cref="AttributeSample"/> matching lines.</param>
/// <param name="AttributeSample">How many lines the attribute counts come from.</param>
/// <param name="Sampled">True when the attribute counts come from a sample (more lines matched than were read).</param>
/// <param name="Stats">What the query cost.</param>
public sealed record LogFacetsResult(
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("services")] IReadOnlyList<FacetValue> Services,
    [property: JsonPropertyName("levels")] IReadOnlyList<FacetValue> Levels,
    [property: JsonPropertyName("hosts")] IReadOnlyList<FacetValue> Hosts,
    [property: JsonPropertyName("attributes")] IReadOnlyList<AttributeFacet> Attributes,
    [property: JsonPropertyName("attribute_sample")] int AttributeSample,
    [property: JsonPropertyName("sampled")] bool Sampled,
    [property: JsonPropertyName("stats")] LogQueryStats Stats)
{
    /// <summary>What the answer is missing and why (e.g. a damaged file moved aside); left out when nothing is.</summary>
    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>A value and how many lines carry it.</summary>
/// <param name="Value">The value.</param>
/// <param name="Count">Lines.</param>
public sealed record FacetValue([property: JsonPropertyName("value")] string Value, [property: JsonPropertyName("count")] long Count);

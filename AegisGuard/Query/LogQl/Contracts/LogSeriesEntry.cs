using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>One series: its labels and its points.</summary>
/// <param name="Labels">Label names and values (labels without a value are left out).</param>
/// <param name="Points">[unix_seconds, value] pairs, oldest first; steps without a value are left out.</param>
public sealed record LogSeriesEntry(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("points")] IReadOnlyList<double[]> Points);

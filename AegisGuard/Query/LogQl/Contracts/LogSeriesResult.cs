using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>The answer of GET /api/logs/query to a metric query, and of GET /api/logs/volume.</summary>
/// <param name="Series">One entry per label set.</param>
/// <param name="Step">Seconds between points.</param>
/// <param name="Start">Unix seconds of the first point (points are aligned to multiples of the step).</param>
/// <param name="End">Unix seconds of the last possible point.</param>
/// <param name="Stats">What the query cost.</param>
public sealed record LogSeriesResult(
    [property: JsonPropertyName("series")] IReadOnlyList<LogSeriesEntry> Series,
    [property: JsonPropertyName("step")] double Step,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("stats")] LogQueryStats Stats)
{
    /// <summary>What the answer is missing and why (e.g. a damaged file moved aside); left out when nothing is.</summary>
    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

using System.Text.Json.Serialization;

namespace AegisGuard.Query.Metrics;

/// <summary>One metric name of the catalog.</summary>
/// <param name="Name">The metric name (<c>__name__</c>); a histogram <c>x</c> shows as <c>x_bucket</c>, <c>x_sum</c>, <c>x_count</c>.</param>
/// <param name="Type">counter, gauge or histogram (when the series disagree, the type of the most recently seen one).</param>
/// <param name="SeriesCount">How many series carry the name.</param>
/// <param name="LastSeen">Time of the newest sample of any of its series (RFC 3339, UTC).</param>
/// <param name="Labels">Label names other than <c>__name__</c>, sorted, each with its values.</param>
public sealed record MetricCatalogEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("series")] int SeriesCount,
    [property: JsonPropertyName("last_seen")] DateTimeOffset LastSeen,
    [property: JsonPropertyName("labels")] IReadOnlyList<MetricCatalogLabel> Labels);

using System.Text.Json.Serialization;
using AegisGuard.Query.Logs;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>The answer of GET /api/logs/query to a log query: a page of lines.</summary>
/// <param name="Logs">The lines, newest first unless direction=forward.</param>
/// <param name="NextCursor">Pass as cursor to get the next page; null when there is none.</param>
/// <param name="Stats">What the query cost.</param>
public sealed record LogLinesResult(
    [property: JsonPropertyName("logs")] IReadOnlyList<LogsApi.LogLine> Logs,
    [property: JsonPropertyName("next_cursor")] string? NextCursor,
    [property: JsonPropertyName("stats")] LogQueryStats Stats)
{
    /// <summary>What the answer is missing and why (e.g. a damaged file moved aside); left out when nothing is.</summary>
    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }
}

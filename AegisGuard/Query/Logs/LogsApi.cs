using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using AegisGuard.Identity;
using AegisGuard.Ingest.Schema;
using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Query.Logs;

/// <summary>GET /api/logs: the first read path — filter by service, level, substring and time, newest first.</summary>
public static class LogsApi
{
    public const int MaxLimit = 10_000;
    public const int DefaultLimit = 100;

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/logs", SearchAsync)
            .WithTags("Logs")
            .WithSummary("Search logs of the caller's org")
            .WithDescription("Newest first. from/to: RFC 3339 or unix epoch (default: the last hour). q: case-insensitive substring of the message. " +
                             "Authenticate with Authorization: Bearer <key id>.<secret> of a key with the read scope.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<LogSearchResult>()
            .ProducesReadProblems();
        return routes;
    }

    private static async Task<IResult> SearchAsync(
        ClaimsPrincipal user,
        LogStore logs,
        TimeProvider time,
        string? service,
        string? level,
        string? q,
        string? from,
        string? to,
        string? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var now = time.GetUtcNow().UtcDateTime;
        var fromTime = ParseTime(from, "from", errors) ?? now.AddHours(-1);
        var toTime = ParseTime(to, "to", errors) ?? now.AddMinutes(1);
        if (fromTime >= toTime && errors.Count == 0)
        {
            errors["from"] = ["must be before to"];
        }

        int rowLimit = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rowLimit) || rowLimit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }

        string? normalisedLevel = null;
        if (!string.IsNullOrEmpty(level))
        {
            normalisedLevel = LogLevels.Normalise(level);
            if (normalisedLevel is null)
            {
                errors["level"] = [$"must be one of {string.Join(", ", LogLevels.Normalised)}"];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: "The query parameters are invalid.");
        }

        var (rows, damaged) = await logs.FindAsync(new LogQuery
        {
            OrgId = user.GetOrgId(),
            From = fromTime,
            To = toTime,
            Service = string.IsNullOrEmpty(service) ? null : service,
            Level = normalisedLevel,
            Contains = string.IsNullOrEmpty(q) ? null : q,
            Limit = rowLimit,
        }, cancellationToken);

        var lines = rows.Select(r => new LogLine(
            r.Timestamp,
            r.Service,
            r.Level,
            r.Message,
            r.Host,
            r.TraceId,
            r.SpanId,
            JsonDocument.Parse(r.AttributesJson).RootElement.Clone(),
            r.ReceivedAt,
            $"{r.SourceAddress}-{r.SourceIndex}")).ToList();
        return TypedResults.Ok(new LogSearchResult(lines) { Warnings = QueryWarnings.For(damaged) });
    }

    private static DateTime? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(text));
        var element = document.RootElement;
        if (EventTimestamp.TryParse(element, out var utc, out string reason))
        {
            return utc;
        }

        errors[field] = [reason];
        return null;
    }

    /// <summary>The answer of GET /api/logs.</summary>
    /// <param name="Logs">The lines, newest first.</param>
    public sealed record LogSearchResult(IReadOnlyList<LogLine> Logs)
    {
        /// <summary>What the answer is missing and why (e.g. a damaged file moved aside); left out when nothing is.</summary>
        [JsonPropertyName("warnings")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<string>? Warnings { get; init; }
    }

    /// <summary>One stored log line.</summary>
    /// <param name="Timestamp">Event time (UTC).</param>
    /// <param name="Service">Service.</param>
    /// <param name="Level">Normalised level.</param>
    /// <param name="Message">Message, PII-scrubbed.</param>
    /// <param name="Host">Host, if sent.</param>
    /// <param name="TraceId">Trace id, if sent.</param>
    /// <param name="SpanId">Span id, if sent.</param>
    /// <param name="Attributes">Attributes, PII-scrubbed.</param>
    /// <param name="ReceivedAt">When the batch was accepted.</param>
    /// <param name="Id">Stable id of the event (ingest log address and index in its batch).</param>
    public sealed record LogLine(DateTime Timestamp, string Service, string Level, string Message, string? Host, [property: JsonPropertyName("trace_id")] string? TraceId, [property: JsonPropertyName("span_id")] string? SpanId, JsonElement Attributes, [property: JsonPropertyName("received_at")] DateTime ReceivedAt, string Id);
}

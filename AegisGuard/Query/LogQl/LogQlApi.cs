using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AegisGuard.Identity;
using AegisGuard.Ingest.Schema;
using AegisGuard.Query.LogQl.Contracts;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage.Parquet;
using Microsoft.AspNetCore.Http.HttpResults;
using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Query.LogQl;

/// <summary>
/// LogQL-lite over HTTP (issue #4): GET /api/logs/query (lines with cursors, or series), /api/logs/facets,
/// /api/logs/volume (histogram stacked by level) and /api/logs/stats. The org is always the caller's; a bad
/// query is a 400 problem naming the column.
/// </summary>
public static class LogQlApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 5000;
    private const string Tag = "Logs";
    private const string TimeHelp = "from/to: RFC 3339 or unix epoch (s, ms, µs or ns), from 1970 to 2262-04-11; default: the last hour.";

    /// <summary>The earliest from/to accepted.</summary>
    public static readonly DateTime EarliestTime = DateTime.UnixEpoch;

    /// <summary>The latest from/to accepted: the last instant of a signed 64-bit count of nanoseconds since 1970.</summary>
    public static readonly DateTime LatestTime = DateTime.UnixEpoch.AddTicks(long.MaxValue / 100);

    /// <summary>The widest step accepted.</summary>
    public static readonly TimeSpan MaxStep = TimeSpan.FromDays(366);

    public static IServiceCollection AddLogQl(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<TelemetryStore>().LogQueries);
        services.AddSingleton<LogQlMetricEvaluator>();
        services.AddSingleton<LogQlQueryService>();
        return services;
    }

    public static IEndpointRouteBuilder MapLogQlApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/logs/query", QueryAsync)
            .WithTags(Tag)
            .WithName("QueryLogs")
            .WithSummary("Run a LogQL-lite query: log lines, or series for a metric query")
            .WithDescription(
                "query: LogQL-lite, e.g. {service=\"api\", level=~\"error|warn\"} |= \"timeout\" | json | status >= 500, or a metric query such as " +
                "sum by (service) (count_over_time({level=\"error\"}[5m])). " + TimeHelp + " " +
                "Log queries answer {logs, next_cursor, stats}: limit 1-5000 (default 100), direction backward (newest first, default) or forward, " +
                "cursor = next_cursor of the previous page (stable while data arrives). " +
                "Metric queries answer a LogSeriesResult {series:[{labels, points:[[unix_seconds, value]]}], step, start, end, stats}; step: seconds or a duration " +
                "such as 1m (default: about 250 points); points are at from, from + step, … up to to (as in Loki) and a window covers (t - range, t]. " +
                "A query that does not parse is a 400 problem with the message, the column and the query.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            // One status code documents one schema: 200 shows LogLinesResult; metric queries answer the
            // LogSeriesResult shape documented under /api/logs/volume (the description says so).
            .Produces<LogLinesResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/logs/facets", FacetsAsync)
            .WithTags(Tag)
            .WithName("LogFacets")
            .WithSummary("Top services, levels, hosts and attribute values for a query and range")
            .WithDescription(
                "query: a LogQL-lite log query (default {} = every line; for a metric query its log query is used). " + TimeHelp + " " +
                "Service, level and host counts are exact. Attribute keys (top 20) and their values (top 10 each) are counted over the " +
                $"newest {LogQlQueryService.AttributeSampleSize} matching lines; 'sampled' says whether more lines matched.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<LogFacetsResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/logs/volume", VolumeAsync)
            .WithTags(Tag)
            .WithName("LogVolume")
            .WithSummary("Lines per time bucket and level, for a stacked volume histogram")
            .WithDescription(
                "query: a LogQL-lite log query (default {}). " + TimeHelp + " step: bucket width in seconds or as a duration (default: a round " +
                $"width giving at most {LogQlQueryService.VolumeBuckets} buckets). Answers one series per level (severity order) with a point " +
                "[bucket_start_unix_seconds, lines] for every bucket, zeros included; a bucket covers [t, t + step).")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<LogSeriesResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/logs/stats", Storage)
            .WithTags(Tag)
            .WithName("LogStorage")
            .WithSummary("What the caller's org's logs take on disk")
            .WithDescription("Files, stored lines, bytes and bytes per line of the org's Parquet log files (from the manifest).")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<LogStorageResult>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<IResult> QueryAsync(
        ClaimsPrincipal user,
        LogQlQueryService service,
        TimeProvider time,
        string? query,
        string? from,
        string? to,
        string? limit,
        string? direction,
        string? cursor,
        string? step,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (fromTime, toTime) = ParseRange(from, to, time, errors);
        int rowLimit = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out rowLimit) || rowLimit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }

        var order = LogSearchDirection.Backward;
        if (direction is not null && !TryParseDirection(direction, out order))
        {
            errors["direction"] = ["must be backward (newest first) or forward (oldest first)"];
        }

        LogPosition? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!LogCursor.TryDecode(cursor, out var position, out var cursorDirection))
            {
                errors["cursor"] = ["is not a cursor from this API; pass next_cursor of the previous page unchanged"];
            }
            else if (direction is not null && cursorDirection != order)
            {
                errors["cursor"] = ["was made for the other direction"];
            }
            else
            {
                after = position;
                order = cursorDirection;
            }
        }

        TimeSpan? stepSize = ParseStep(step, errors);
        if (string.IsNullOrWhiteSpace(query))
        {
            errors["query"] = ["is required, e.g. {service=\"api\"}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: "The query parameters are invalid.");
        }

        try
        {
            var expr = await service.ParseAsync(query!, cancellationToken);
            if (expr is MetricExpr metric)
            {
                var width = stepSize ?? LogQlQueryService.DefaultMetricStep(toTime - fromTime);
                return TypedResults.Ok(await service.EvaluateAsync(metric, user.GetOrgId(), fromTime, toTime, width, cancellationToken));
            }

            return TypedResults.Ok(await service.SearchAsync((LogQueryExpr)expr, user.GetOrgId(), fromTime, toTime, rowLimit, order, after, cancellationToken));
        }
        catch (LogQlSyntaxException e)
        {
            return QueryProblem(e, query!);
        }
    }

    private static async Task<IResult> FacetsAsync(
        ClaimsPrincipal user, LogQlQueryService service, TimeProvider time, string? query, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (fromTime, toTime) = ParseRange(from, to, time, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: "The query parameters are invalid.");
        }

        string text = string.IsNullOrWhiteSpace(query) ? "{}" : query;
        try
        {
            var expr = await service.ParseAsync(text, cancellationToken);
            return TypedResults.Ok(await service.FacetsAsync(LogQlPlanner.InnerLogQuery(expr), user.GetOrgId(), fromTime, toTime, cancellationToken));
        }
        catch (LogQlSyntaxException e)
        {
            return QueryProblem(e, text);
        }
    }

    private static async Task<IResult> VolumeAsync(
        ClaimsPrincipal user, LogQlQueryService service, TimeProvider time, string? query, string? from, string? to, string? step, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (fromTime, toTime) = ParseRange(from, to, time, errors);
        TimeSpan? width = ParseStep(step, errors);
        if (width is { } w && errors.Count == 0 && (toTime - fromTime).Ticks / w.Ticks > 10 * LogQlQueryService.VolumeBuckets)
        {
            errors["step"] = [$"gives more than {10 * LogQlQueryService.VolumeBuckets} buckets for this range; use a larger step"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: "The query parameters are invalid.");
        }

        string text = string.IsNullOrWhiteSpace(query) ? "{}" : query;
        try
        {
            var expr = await service.ParseAsync(text, cancellationToken);
            return TypedResults.Ok(await service.VolumeAsync(LogQlPlanner.InnerLogQuery(expr), user.GetOrgId(), fromTime, toTime, width, cancellationToken));
        }
        catch (LogQlSyntaxException e)
        {
            return QueryProblem(e, text);
        }
    }

    private static Ok<LogStorageResult> Storage(ClaimsPrincipal user, LogQueryStore store)
    {
        var totals = store.Totals(user.GetOrgId());
        return TypedResults.Ok(new LogStorageResult(
            totals.Files, totals.Rows, totals.Bytes, totals.Rows == 0 ? 0 : Math.Round(totals.Bytes / (double)totals.Rows, 2), totals.Oldest, totals.Newest));
    }

    private static ProblemHttpResult QueryProblem(LogQlSyntaxException error, string query) => TypedResults.Problem(
        title: "Invalid query",
        detail: error.Message,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?>
        {
            ["field"] = "query",
            ["column"] = error.Column,
            ["query"] = query,
        });

    private static (DateTime From, DateTime To) ParseRange(string? from, string? to, TimeProvider time, Dictionary<string, string[]> errors)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var toTime = ParseTime(to, "to", errors) ?? now;
        var fromTime = ParseTime(from, "from", errors) ?? (toTime > EarliestTime.AddHours(1) ? toTime.AddHours(-1) : EarliestTime);
        if (fromTime >= toTime && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["must be before to"];
        }

        return (fromTime, toTime);
    }

    private static DateTime? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(text));
        if (!EventTimestamp.TryParse(document.RootElement, out var utc, out string reason))
        {
            errors[field] = [reason];
            return null;
        }

        if (utc < EarliestTime || utc > LatestTime)
        {
            // Steps, buckets and windows are computed from these times; outside this span (the span of Loki's and
            // Prometheus' nanosecond timestamps) the arithmetic leaves what a date can hold, and no line lies there.
            errors[field] = ["must be between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16Z"];
            return null;
        }

        return utc;
    }

    private static TimeSpan? ParseStep(string? step, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(step))
        {
            return null;
        }

        if (!LogQlLexer.TryParseDuration(step, out var width) || width < TimeSpan.FromSeconds(1) || width > MaxStep)
        {
            errors["step"] = ["must be from 1 second to 366 days: a number of seconds or a duration such as 30s, 1m, 1h"];
            return null;
        }

        return width;
    }

    private static bool TryParseDirection(string text, out LogSearchDirection direction)
    {
        switch (text.ToLowerInvariant())
        {
            case "backward":
                direction = LogSearchDirection.Backward;
                return true;
            case "forward":
                direction = LogSearchDirection.Forward;
                return true;
            default:
                direction = LogSearchDirection.Backward;
                return false;
        }
    }
}

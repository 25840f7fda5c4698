using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AegisGuard.Identity;
using AegisGuard.Ingest.Schema;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Parquet.Traces;
using AegisGuard.Storage.Traces;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Query.Traces;

/// <summary>
/// The traces API (issue #12): search, trace by id, services and operations, the service map and its edges, duration
/// distributions and RED series. The org is always the caller's; bad parameters are a 400 problem naming them; a trace
/// id of another org is a 404 like a missing one.
/// </summary>
public static partial class TracesApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxTraceSpans = 20_000;
    public const int DefaultBuckets = 40;
    public const int MaxBuckets = 200;
    public const int MaxRedPoints = 11_000;
    public const int EdgeTraces = 20;
    private const string TracesTag = "Traces";
    private const string TimeHelp = "from/to: RFC 3339 or unix epoch (s, ms, µs or ns); default: the last hour. A span is in the range by its start, a trace by its first span's start.";

    public static IServiceCollection AddTraces(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<TelemetryStore>().Spans);
        services.AddSingleton<ISpanStore>(sp => sp.GetRequiredService<ParquetSpanStore>());
        services.AddHostedService<TraceFollowerService>();
        return services;
    }

    public static IEndpointRouteBuilder MapTracesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/traces", SearchAsync)
            .WithTags(TracesTag).WithName("SearchTraces")
            .WithSummary("Search traces by service, operation, status, duration, span attributes, trace id and time")
            .WithDescription(
                "service: a service with a span in the trace; operation: a span name in it (of that service when both are given); status: error (some span " +
                "failed) or ok; minDurationMs/maxDurationMs: the trace's duration; attr=key=value (repeatable, all must hold, each on any span of the trace, " +
                "compared as text); traceId: 16 or 32 hex digits; sort: time (newest first, default) or duration (longest first); limit 1-500 (default 50); " +
                "cursor: nextCursor of the previous page. " + TimeHelp + " Results come from per-trace summaries kept about a second behind ingestion.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<TraceSearchResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/traces/durations", DurationsAsync)
            .WithTags(TracesTag).WithName("TraceDurations")
            .WithSummary("Duration percentiles and a log-spaced histogram")
            .WithDescription("Over trace durations, or over span durations when service and/or operation are given. buckets: 1-200 (default 40). " +
                             "Percentiles interpolate linearly between the closest ranks. " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<DurationsResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/traces/{traceId}", GetTraceAsync)
            .WithTags(TracesTag).WithName("GetTrace")
            .WithSummary("Every span of one trace, resolved into a tree")
            .WithDescription("Spans in display order (depth-first; true roots then orphans by start; children by start) with depth, child count, orphan, " +
                             "clock-skew (outsideParent), duplicate and critical-path flags, and each span's events (time, name, attributes), links (traceId, " +
                             "spanId, attributes, traceStored: whether the caller's org has spans of the linked trace) and resource attributes, as sent " +
                             "(scrubbed); spans stored before these were kept have none. traceId: 16 or 32 hex digits; a 16-digit (Zipkin/B3) id is the same " +
                             "trace as its 32-digit form with 16 leading zeros, and the answer's traceId is that 32-digit form. 404 when the caller's org has " +
                             $"no span of it. At most {MaxTraceSpans} spans (the earliest); truncated says when there were more.")
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<AssembledTrace>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesReadProblems();

        routes.MapGet("/api/services", ServicesAsync)
            .WithTags(TracesTag).WithName("TraceServices")
            .WithSummary("Services with their request rate, error rate and latency")
            .WithDescription("requestRate: entry spans (kind server or consumer, or without parent) per second of the range; errorRate and latency over " +
                             "those (over all the service's spans when it has none). " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<ServicesResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/services/map", MapAsync)
            .WithTags(TracesTag).WithName("ServiceMap")
            .WithSummary("The service dependency graph")
            .WithDescription("Nodes as in /api/services; an edge caller → callee for every child span of callee whose parent span belongs to caller " +
                             "(parents up to 5 minutes before the range are found), with the child spans' count, rate, error rate and latency. " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<ServiceMapResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/services/map/edge", EdgeAsync)
            .WithTags(TracesTag).WithName("ServiceMapEdge")
            .WithSummary("The calls of one edge of the service map")
            .WithDescription($"caller and callee are required. Calls by (caller operation, callee operation) and the newest {EdgeTraces} traces holding one. " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<EdgeResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/services/{service}/operations", OperationsAsync)
            .WithTags(TracesTag).WithName("ServiceOperations")
            .WithSummary("Operations of one service with their request rate, error rate and latency")
            .WithDescription("Figures as in /api/services, per span name. " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<OperationsResult>()
            .ProducesReadProblems();

        routes.MapGet("/api/services/{service}/red", RedAsync)
            .WithTags(TracesTag).WithName("ServiceRed")
            .WithSummary("Rate, errors and duration of one service over time")
            .WithDescription("step: seconds (default: about 120 points over the range); operation: only that span name. Every step is present: rate and errors " +
                             "(per second) are 0 and latencies (ms) null where there were no requests. Over entry spans; when the range holds none, over all the " +
                             "service's spans. Points are [epochMs, value] at multiples of the step. source: raw, or aggregates over ranges whose files hold > 250 k " +
                             "spans when the step is whole minutes and no operation is given (exact counts, percentiles within percentileError, spans of " +
                             "from/to widened to whole minutes); otherwise raw, with a warning saying why when the range was that large. " + TimeHelp)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .Produces<RedResult>()
            .ProducesReadProblems();
        return routes;
    }

    private static async Task<IResult> SearchAsync(
        ClaimsPrincipal user, ISpanStore store, TimeProvider time, string? from, string? to, string? service, string? operation, string? status,
        string? minDurationMs, string? maxDurationMs, [FromQuery] string[]? attr, string? traceId, string? sort, string? limit, string? cursor,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        var statusFilter = status?.ToLowerInvariant() switch
        {
            null or "" => TraceStatusFilter.Any,
            "error" => TraceStatusFilter.Error,
            "ok" => TraceStatusFilter.Ok,
            _ => Fail(errors, "status", "must be error or ok", TraceStatusFilter.Any),
        };
        var order = sort?.ToLowerInvariant() switch
        {
            null or "" or "time" => TraceSort.Time,
            "duration" => TraceSort.Duration,
            _ => Fail(errors, "sort", "must be time or duration", TraceSort.Time),
        };
        long? min = ParseDurationMs(minDurationMs, "minDurationMs", errors);
        long? max = ParseDurationMs(maxDurationMs, "maxDurationMs", errors);
        if (min > max)
        {
            errors["minDurationMs"] = ["must not be more than maxDurationMs"];
        }

        int rows = ParseInt(limit, "limit", DefaultLimit, 1, MaxLimit, errors);
        var attributes = new List<SpanAttributeMatch>();
        foreach (string pair in attr ?? [])
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || pair.Contains('\0', StringComparison.Ordinal))
            {
                errors["attr"] = ["must be key=value with a non-empty key"];
                break;
            }

            attributes.Add(new SpanAttributeMatch(pair[..equals], pair[(equals + 1)..]));
        }

        if (!string.IsNullOrEmpty(traceId) && !IsTraceId(traceId))
        {
            errors["traceId"] = ["must be 16 or 32 hexadecimal digits"];
        }

        TraceSearchCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = TraceCursor.Decode(cursor, order, out string? reason);
            if (after is null)
            {
                errors["cursor"] = [reason!];
            }
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var page = await store.SearchAsync(new TraceSearchRequest
        {
            OrgId = user.GetOrgId(),
            From = start,
            To = end,
            Service = NullIfEmpty(service),
            Operation = NullIfEmpty(operation),
            Status = statusFilter,
            MinDurationMicros = min,
            MaxDurationMicros = max,
            Attributes = attributes,
            // Summaries are kept under the stored form: a 16-digit id is searched widened (spans stored as sent before
            // ingestion widened them are found by GET /api/traces/{id}, not here).
            TraceId = NullIfEmpty(traceId) is { } id ? TraceIds.Canonical(id.ToLowerInvariant()) : null,
            Sort = order,
            Limit = rows,
            After = after,
        }, cancellationToken);
        return TypedResults.Ok(new TraceSearchResult(
            page.Traces.Select(View).ToList(), page.Next is null ? null : TraceCursor.Encode(order, page.Next), page.Warnings));
    }

    private static async Task<IResult> GetTraceAsync(ClaimsPrincipal user, ISpanStore store, string traceId, CancellationToken cancellationToken)
    {
        if (!IsTraceId(traceId))
        {
            return Invalid(new Dictionary<string, string[]> { ["traceId"] = ["must be 16 or 32 hexadecimal digits"] });
        }

        int orgId = user.GetOrgId();
        var (canonical, spans) = await TraceLookup.GetAsync(store, orgId, traceId, MaxTraceSpans, cancellationToken);
        if (spans is null)
        {
            return TypedResults.Problem(
                title: "Trace not found",
                detail: $"No span of trace {traceId} is stored for your organisation.",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["field"] = "traceId" });
        }

        return TypedResults.Ok(await TraceLookup.MarkStoredLinksAsync(store, orgId, TraceAssembler.Assemble(canonical, spans), cancellationToken));
    }

    private static async Task<IResult> ServicesAsync(ClaimsPrincipal user, ISpanStore store, TimeProvider time, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        double seconds = (end - start).TotalSeconds;
        var stats = await store.StatsAsync(new SpanStatsRequest { OrgId = user.GetOrgId(), From = start, To = end }, cancellationToken);
        return TypedResults.Ok(new ServicesResult(
            stats.Groups.Select(g => new ServiceView(g.Name, g.SpanCount, g.RequestCount / seconds, g.ErrorRate, Ms(g.P50Micros), Ms(g.P95Micros), Ms(g.P99Micros), g.Operations)).ToList(),
            stats.Warnings));
    }

    private static async Task<IResult> OperationsAsync(
        ClaimsPrincipal user, ISpanStore store, TimeProvider time, string service, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        double seconds = (end - start).TotalSeconds;
        var stats = await store.StatsAsync(new SpanStatsRequest { OrgId = user.GetOrgId(), From = start, To = end, Service = service }, cancellationToken);
        return TypedResults.Ok(new OperationsResult(
            service,
            stats.Groups.Select(g => new OperationView(g.Name, g.SpanCount, g.RequestCount / seconds, g.ErrorRate, Ms(g.P50Micros), Ms(g.P95Micros), Ms(g.P99Micros))).ToList(),
            stats.Warnings));
    }

    private static async Task<IResult> MapAsync(ClaimsPrincipal user, ISpanStore store, TimeProvider time, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var request = new SpanStatsRequest { OrgId = user.GetOrgId(), From = start, To = end };
        ServiceMapAnswer map;
        if (store is IServiceMapSource source)
        {
            map = await source.ServiceMapAsync(request, cancellationToken);
        }
        else
        {
            // Two independent scans: run side by side, the map costs the slower of them rather than their sum.
            var nodesTask = store.StatsAsync(request, cancellationToken);
            var edgesTask = store.EdgesAsync(request, cancellationToken);
            await Task.WhenAll(nodesTask, edgesTask);
            var (nodes, edges) = (await nodesTask, await edgesTask);
            map = new ServiceMapAnswer(nodes.Groups, edges.Edges, "raw", 0, start, end, nodes.Warnings.Concat(edges.Warnings).Distinct(StringComparer.Ordinal).ToList());
        }

        double seconds = (map.To - map.From).TotalSeconds;
        return TypedResults.Ok(new ServiceMapResult(
            map.Nodes.Select(g => new MapNode(g.Name, g.SpanCount, g.RequestCount / seconds, g.ErrorRate, Ms(g.P50Micros), Ms(g.P95Micros), Ms(g.P99Micros))).ToList(),
            map.Edges.Select(e => new MapEdge(e.Caller, e.Callee, e.CallCount, e.CallCount / seconds, (double)e.ErrorCount / e.CallCount,
                Ms(e.P50Micros), Ms(e.P95Micros), Ms(e.P99Micros))).ToList(),
            map.Warnings, map.Source, map.PercentileError, map.From, map.To));
    }

    private static async Task<IResult> EdgeAsync(
        ClaimsPrincipal user, ISpanStore store, TimeProvider time, string? caller, string? callee, string? from, string? to, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        if (string.IsNullOrEmpty(caller))
        {
            errors["caller"] = ["is required"];
        }

        if (string.IsNullOrEmpty(callee))
        {
            errors["callee"] = ["is required"];
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var detail = await store.EdgeAsync(new SpanStatsRequest { OrgId = user.GetOrgId(), From = start, To = end }, caller!, callee!, EdgeTraces, cancellationToken);
        return TypedResults.Ok(new EdgeResult(
            caller!, callee!,
            detail.Operations.Select(o => new EdgeOperationView(o.CallerOperation, o.CalleeOperation, o.CallCount, o.ErrorCount, Ms(o.P95Micros))).ToList(),
            detail.Traces.Select(View).ToList(),
            detail.Warnings));
    }

    private static async Task<IResult> DurationsAsync(
        ClaimsPrincipal user, ISpanStore store, TimeProvider time, string? from, string? to, string? service, string? operation, string? buckets,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        int count = ParseInt(buckets, "buckets", DefaultBuckets, 1, MaxBuckets, errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var result = await store.DurationsAsync(new SpanStatsRequest
        {
            OrgId = user.GetOrgId(), From = start, To = end, Service = NullIfEmpty(service), Operation = NullIfEmpty(operation),
        }, count, cancellationToken);
        return TypedResults.Ok(new DurationsResult(
            result.Count,
            result.Percentiles.ToDictionary(p => p.Key, p => Ms(p.Value)),
            result.Histogram.Select(b => new DurationBucketView(Ms(b.LowerMicros), Ms(b.UpperMicros), b.Count)).ToList(),
            result.Warnings));
    }

    private static async Task<IResult> RedAsync(
        ClaimsPrincipal user, ISpanStore store, TimeProvider time, string service, string? from, string? to, string? step, string? operation,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var (start, end) = ParseRange(from, to, time, errors);
        TimeSpan width = DefaultStep(end - start);
        if (!string.IsNullOrEmpty(step))
        {
            if (!double.TryParse(step, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || seconds < 1 || seconds > 366 * 86400)
            {
                errors["step"] = ["must be a number of seconds from 1 to 31622400"];
            }
            else
            {
                width = TimeSpan.FromSeconds(Math.Round(seconds, 3));
            }
        }

        if (errors.Count == 0 && (end - start) / width > MaxRedPoints)
        {
            errors["step"] = [$"gives more than {MaxRedPoints} points over the range; use a wider step"];
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var series = await store.RedAsync(new SpanStatsRequest
        {
            OrgId = user.GetOrgId(), From = start, To = end, Service = service, Operation = NullIfEmpty(operation),
        }, width, cancellationToken);
        double stepSeconds = width.TotalSeconds;
        double?[] Point(RedPoint p, double? value) => [new DateTimeOffset(p.Start).ToUnixTimeMilliseconds(), value];
        return TypedResults.Ok(new RedResult(
            (long)width.TotalMilliseconds,
            series.Points.Select(p => Point(p, p.Requests / stepSeconds)).ToList(),
            series.Points.Select(p => Point(p, p.Errors / stepSeconds)).ToList(),
            series.Points.Select(p => Point(p, MsOrNull(p.P50Micros))).ToList(),
            series.Points.Select(p => Point(p, MsOrNull(p.P95Micros))).ToList(),
            series.Points.Select(p => Point(p, MsOrNull(p.P99Micros))).ToList(),
            series.Warnings, series.Source, series.PercentileError, series.From, series.To));
    }

    /// <summary>About 120 points over the range, at a whole number of seconds from a short list of round steps.</summary>
    internal static TimeSpan DefaultStep(TimeSpan range)
    {
        int[] steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
        double wanted = range.TotalSeconds / 120;
        int chosen = steps.FirstOrDefault(s => s >= wanted);
        return TimeSpan.FromSeconds(chosen == 0 ? Math.Ceiling(wanted / 86400) * 86400 : chosen);
    }

    internal static bool IsTraceId(string text) => text.Length is 16 or 32 && text.All(char.IsAsciiHexDigit);

    private static TraceSummaryView View(TraceSummary s) =>
        new(s.TraceId, s.RootService, s.RootOperation, s.Start, s.DurationMicros / 1000.0, s.SpanCount, s.Services, s.ErrorCount, s.RootMissing);

    private static double Ms(double micros) => micros / 1000.0;

    private static double? MsOrNull(double? micros) => micros / 1000.0;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static T Fail<T>(Dictionary<string, string[]> errors, string field, string reason, T fallback)
    {
        errors[field] = [reason];
        return fallback;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "The query parameters are invalid.");

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            errors[field] = [$"must be a whole number from {min} to {max}"];
            return fallback;
        }

        return value;
    }

    private static long? ParseDurationMs(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double ms) || ms < 0 || ms > 315_576_000_000d)
        {
            errors[field] = ["must be a number of milliseconds from 0 to 10 years"];
            return null;
        }

        return (long)Math.Round(ms * 1000);
    }

    private static (DateTime From, DateTime To) ParseRange(string? from, string? to, TimeProvider time, Dictionary<string, string[]> errors)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var end = ParseTime(to, "to", errors) ?? now;
        var start = ParseTime(from, "from", errors) ?? (end > DateTime.UnixEpoch.AddHours(1) ? end.AddHours(-1) : DateTime.UnixEpoch);
        if (start >= end && !errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            errors["from"] = ["must be before to"];
        }

        return (start, end);
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

        // As /api/logs/query: the span of nanosecond timestamps, inside which time arithmetic is safe.
        if (utc < DateTime.UnixEpoch || utc > DateTime.UnixEpoch.AddTicks(long.MaxValue / 100))
        {
            errors[field] = ["must be between 1970-01-01T00:00:00Z and 2262-04-11T23:47:16Z"];
            return null;
        }

        return utc;
    }
}

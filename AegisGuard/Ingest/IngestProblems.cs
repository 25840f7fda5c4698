using AegisGuard.Ingest.Schema;

namespace AegisGuard.Ingest;

/// <summary>The RFC 7807 answers of the ingestion API, in one place so every endpoint says the same thing.</summary>
internal static class IngestProblems
{
    /// <summary>One body for every authentication failure: no oracle telling unknown, revoked and bad signature apart.</summary>
    public static IResult Unauthorized() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Unauthorized",
        detail: "The x-org-key is missing, unknown or revoked, or x-signature is not sha256=<hex HMAC-SHA256 of the raw body with the key's secret>.");

    public static IResult Forbidden(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static IResult BadRequest(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed batch", detail: detail);

    public static IResult TooLarge(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large", detail: detail);

    public static IResult UnsupportedMediaType(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: detail);

    /// <summary>What a 415 for the content type says: what was sent (shortened) and the two forms accepted.</summary>
    public static string NotJson(string? contentType)
    {
        string sent = string.IsNullOrEmpty(contentType) ? "none" : $"'{(contentType.Length > 100 ? contentType[..100] + "…" : contentType)}'";
        return $"Content-Type {sent} is not accepted; send application/json or application/json; charset=utf-8 (the body must be UTF-8 JSON).";
    }

    /// <summary>
    /// Routing refuses a content type that is not JSON at all (the endpoints declare application/json) before the
    /// handler runs, with a problem that has no detail; on the ingestion paths it gets the handler's words, elsewhere
    /// (every JSON API of the appliance) the type that is accepted.
    /// </summary>
    public static void FillMissingDetail(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ProblemDetails.Detail is not null || context.ProblemDetails.Status != StatusCodes.Status415UnsupportedMediaType)
        {
            return;
        }

        string? contentType = context.HttpContext.Request.ContentType;
        if (context.HttpContext.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            context.ProblemDetails.Detail = NotJson(contentType);
            return;
        }

        string sent = string.IsNullOrEmpty(contentType) ? "none" : $"'{(contentType.Length > 100 ? contentType[..100] + "…" : contentType)}'";
        context.ProblemDetails.Detail = $"Content-Type {sent} is not accepted; this endpoint takes application/json (UTF-8).";
    }

    public static IResult Conflict(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused", detail: detail);

    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Rate limit exceeded",
            detail: $"This org is over its ingestion rate limit; retry after {retryAfter.TotalSeconds:0} s.");
    }

    public static IResult Unavailable(HttpContext http, string reason)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Storage unavailable",
            detail: $"The batch was NOT accepted: {reason}. Nothing was stored; retry later.");
    }

    /// <summary>
    /// 503 while the Data Protection key ring cannot decrypt what this request needs (an API-key secret, the org's PII
    /// key): the client did nothing wrong, and an operator must restore data/keys (the health board says so).
    /// </summary>
    public static IResult KeyRingUnavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "30";
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "Key ring unavailable",
            Detail = "The batch was NOT accepted: the key ring in data/keys cannot decrypt this key's secret or the org's PII key (missing or replaced). " +
                     "Nothing was stored; the operator must restore data/keys from the backup taken with meta.db (see /healthz).",
        };
        problem.Extensions["error"] = "key_ring_unavailable";
        return TypedResults.Problem(problem);
    }

    /// <summary>
    /// 503 + Retry-After while the appliance takes no more (backpressure: the backlog or the memory for request bodies
    /// is at its bound). Nothing was stored; the same request can be retried as is.
    /// </summary>
    public static IResult Busy(HttpContext http, string reason, TimeSpan? retryAfter = null)
    {
        int seconds = (int)Math.Clamp(Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds), 1, 60);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Busy",
            detail: $"The batch was NOT accepted: {reason}. Nothing was stored; retry the same request after {seconds} s.");
    }

    /// <summary>422 naming each invalid item and field; the whole batch was rejected.</summary>
    public static IResult Invalid(IBatchDecoder decoder, DecodeContext context)
    {
        var errors = context.Errors
            .GroupBy(e => string.IsNullOrEmpty(e.Field) ? $"{decoder.ItemsProperty}[{e.Index}]" : $"{decoder.ItemsProperty}[{e.Index}].{e.Field}")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
        var first = context.Errors[0];
        string where = string.IsNullOrEmpty(first.Field) ? $"{decoder.ItemsProperty}[{first.Index}]" : $"{decoder.ItemsProperty}[{first.Index}].{first.Field}";
        string more = context.ErrorCount > 1 ? $" (and {context.ErrorCount - 1} more)" : string.Empty;
        var problem = new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Invalid batch",
            Detail = $"{where} {first.Reason}{more}. The whole batch was rejected; nothing was stored.",
        };
        problem.Extensions["invalid_items"] = context.Errors.Select(e => new InvalidItem(e.Index, e.Field, e.Reason)).ToArray();
        problem.Extensions["error_count"] = context.ErrorCount;
        return TypedResults.Problem(problem);
    }

    /// <summary>One entry of <c>invalid_items</c>.</summary>
    public sealed record InvalidItem(int Index, string Field, string Reason);
}

using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using AegisGuard.Identity;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit;

/// <summary>
/// GET /api/audit: the caller's org's audit entries, newest first, filtered and paged (permission audit.read).
/// GET /api/instance/audit: the same for the instance's own entries, which belong to no org (refusals of unknown keys
/// and forged tokens, instance administration), for instance administrators only.
/// </summary>
public static class AuditApi
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/audit", Query)
            .WithTags("Audit")
            .WithSummary("Audit entries of the caller's org, newest first")
            .WithDescription("Filters: action (exact, or a prefix ending in '.', e.g. auth.), actor (any part of it, ignoring ASCII case: olga finds user:olga@example.com), outcome (success|failure|denied), " +
                             "from/to (RFC 3339), page (1-based), page_size (1–500, default 50). The answer carries the total count.")
            .RequireAuthorization(Permissions.AuditRead)
            .Produces<AuditResult>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        routes.MapGet("/api/instance/audit", QueryInstance)
            .WithTags("Instance")
            .WithSummary("Audit entries of the instance itself (no org), newest first")
            .WithDescription("Entries no org owns: requests refused before an org was known (unknown API keys, forged or expired tokens, " +
                             "sign-ins of unknown e-mails) and instance administration. Same filters and paging as /api/audit.")
            .RequireAuthorization(Permissions.InstanceAdmin)
            .Produces<AuditResult>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static IResult Query(ClaimsPrincipal user, MetadataStore store, string? action, string? actor, string? outcome, string? from, string? to,
        string? page, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] string? pageSize) =>
        Read(store, user.GetOrgId(), instance: false, action, actor, outcome, from, to, page, pageSize);

    private static IResult QueryInstance(MetadataStore store, string? action, string? actor, string? outcome, string? from, string? to,
        string? page, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "page_size")] string? pageSize) =>
        Read(store, orgId: 0, instance: true, action, actor, outcome, from, to, page, pageSize);

    private static IResult Read(MetadataStore store, int orgId, bool instance, string? action, string? actor, string? outcome, string? from, string? to,
        string? page, string? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        var fromTime = ParseTime(from, "from", errors);
        var toTime = ParseTime(to, "to", errors);
        int pageNumber = ParseInt(page, "page", 1, 1, 1_000_000, errors);
        int size = ParseInt(pageSize, "page_size", 50, 1, MaxPageSize, errors);
        if (outcome is not null && !AuditActions.Outcomes.All.Contains(outcome))
        {
            errors["outcome"] = [$"must be one of {string.Join(", ", AuditActions.Outcomes.All)}"];
        }

        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var result = store.QueryAudit(new AuditQuery
        {
            OrgId = orgId,
            Instance = instance,
            Action = string.IsNullOrWhiteSpace(action) ? null : action.Trim(),
            Actor = string.IsNullOrWhiteSpace(actor) ? null : actor.Trim(),
            Outcome = outcome,
            From = fromTime,
            To = toTime,
            Page = pageNumber,
            PageSize = size,
        });
        return TypedResults.Ok(new AuditResult([.. result.Entries.Select(AuditItem.From)], result.Total, pageNumber, size));
    }

    private static DateTime? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.UtcDateTime;
        }

        errors[field] = ["must be an RFC 3339 time, e.g. 2025-10-31T10:00:00Z"];
        return null;
    }

    private static int ParseInt(string? text, string field, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
        {
            return value;
        }

        errors[field] = [$"must be a whole number from {min} to {max}"];
        return fallback;
    }

    /// <summary>One page of entries.</summary>
    public sealed record AuditResult(
        [property: JsonPropertyName("entries")] IReadOnlyList<AuditItem> Entries,
        [property: JsonPropertyName("total")] long Total,
        [property: JsonPropertyName("page")] int Page,
        [property: JsonPropertyName("page_size")] int PageSize);

    /// <summary>One audit entry as the API shows it (with its place in the hash chain).</summary>
    public sealed record AuditItem(
        [property: JsonPropertyName("seq")] long Seq,
        [property: JsonPropertyName("at")] DateTime At,
        [property: JsonPropertyName("actor")] string Actor,
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("target")] string? Target,
        [property: JsonPropertyName("ip")] string? Ip,
        [property: JsonPropertyName("user_agent")] string? UserAgent,
        [property: JsonPropertyName("outcome")] string Outcome,
        [property: JsonPropertyName("details")] JsonElement Details,
        [property: JsonPropertyName("hash")] string Hash)
    {
        public static AuditItem From(AuditEntry entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            using var details = JsonDocument.Parse(entry.Details);
            return new AuditItem(entry.Seq, entry.At, entry.Actor, entry.Action, entry.Target, entry.Ip, entry.UserAgent, entry.Outcome, details.RootElement.Clone(), entry.Hash);
        }
    }
}

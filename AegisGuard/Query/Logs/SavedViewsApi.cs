using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Pages.Components;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Query.Logs;

/// <summary>
/// Saved views of the Logs explorer (issue #10): a query, a time range and the extra columns, per user, and shared with
/// the org when the owner says so. Anyone who reads telemetry may list and open them; creating, changing and deleting
/// needs <see cref="Permissions.ViewsWrite"/> (VIEWER may only use them). A private view is its owner's alone; a shared
/// one may be changed by any member with views.write (as a team's shared dashboards are). Another org's view, or
/// another user's private one, is a 404 like an id that never existed.
/// </summary>
public static partial class SavedViewsApi
{
    public const int MaxName = 100;
    public const int MaxQuery = 4000;
    public const int MaxColumns = 20;

    public static IEndpointRouteBuilder MapSavedViewsApi(this IEndpointRouteBuilder routes)
    {
        var views = routes.MapGroup("/api/views").WithTags("Saved views").DisableAntiforgery();
        views.MapGet("/", List)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .WithName("ListSavedViews")
            .WithSummary("Saved views the caller may open: their own and the org's shared ones, by name")
            .Produces<IReadOnlyList<SavedView>>()
            .ProducesReadProblems();
        views.MapGet("/{id}", Get)
            .RequireAuthorization(AegisPolicies.TelemetryRead)
            .WithName("GetSavedView")
            .WithSummary("One saved view")
            .Produces<SavedView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesReadProblems();
        views.MapPost("/", Create)
            .RequireAuthorization(Permissions.ViewsWrite)
            .WithName("CreateSavedView")
            .WithSummary("Save a view (permission views.write)")
            .WithDescription("Body {name, query, range: \"15m\"|\"1h\"|\"6h\"|\"24h\"|\"7d\"} for a relative range, or {name, query, from, to} (RFC 3339) " +
                             $"for a fixed one; columns: up to {MaxColumns} field names shown as extra columns; shared: true to offer it to the whole org.")
            .Produces<SavedView>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesReadProblems();
        views.MapPut("/{id}", Update)
            .RequireAuthorization(Permissions.ViewsWrite)
            .WithName("UpdateSavedView")
            .WithSummary("Replace a saved view's name, query, range, columns and sharing (permission views.write)")
            .Produces<SavedView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesReadProblems();
        views.MapDelete("/{id}", Delete)
            .RequireAuthorization(Permissions.ViewsWrite)
            .WithName("DeleteSavedView")
            .WithSummary("Delete a saved view (permission views.write)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesReadProblems();
        return routes;
    }

    private static Ok<List<SavedView>> List(ClaimsPrincipal user, MetadataStore store) =>
        TypedResults.Ok(store.ListSavedViews(user.GetOrgId(), user.GetUserId()).Select(v => SavedView.Of(v, user.GetUserId())).ToList());

    private static IResult Get(HttpContext http, string id, MetadataStore store, RefusalAudit refusals)
    {
        var view = ParseId(id) is { } key ? store.FindSavedView(http.User.GetOrgId(), http.User.GetUserId(), key) : null;
        return view is null ? NotFound(http, id, store, refusals) : TypedResults.Ok(SavedView.Of(view, http.User.GetUserId()));
    }

    private static IResult Create(HttpContext http, SavedViewRequest? body, MetadataStore store, AuditLog audit)
    {
        if (http.User.GetUserId() is not { } owner)
        {
            return IdentityProblems.Forbidden("Saved views belong to a person: sign in to save one.", "user_required");
        }

        var (content, errors) = Validate(body);
        if (content is null)
        {
            return IdentityProblems.Invalid(errors);
        }

        int orgId = http.User.GetOrgId();
        var view = store.InsertSavedView(orgId, owner, content);
        audit.Record(http, AuditActions.ViewCreated, AuditActions.Outcomes.Success, orgId, Target(view), new { name = view.Name, shared = view.Shared });
        return TypedResults.Created($"/api/views/{view.Id}", SavedView.Of(view, http.User.GetUserId()));
    }

    private static IResult Update(HttpContext http, string id, SavedViewRequest? body, MetadataStore store, AuditLog audit, RefusalAudit refusals)
    {
        if (ParseId(id) is not { } key || store.FindSavedView(http.User.GetOrgId(), http.User.GetUserId(), key) is null)
        {
            return NotFound(http, id, store, refusals);
        }

        var (content, errors) = Validate(body);
        if (content is null)
        {
            return IdentityProblems.Invalid(errors);
        }

        int orgId = http.User.GetOrgId();
        var view = store.UpdateSavedView(orgId, http.User.GetUserId(), key, content);
        if (view is null)
        {
            // Deleted between the check and the write.
            return NotFound(http, id, store, refusals);
        }

        audit.Record(http, AuditActions.ViewUpdated, AuditActions.Outcomes.Success, orgId, Target(view), new { name = view.Name, shared = view.Shared });
        return TypedResults.Ok(SavedView.Of(view, http.User.GetUserId()));
    }

    private static IResult Delete(HttpContext http, string id, MetadataStore store, AuditLog audit, RefusalAudit refusals)
    {
        int orgId = http.User.GetOrgId();
        var view = ParseId(id) is { } key ? store.FindSavedView(orgId, http.User.GetUserId(), key) : null;
        if (view is null || !store.DeleteSavedView(orgId, http.User.GetUserId(), view.Id))
        {
            return NotFound(http, id, store, refusals);
        }

        audit.Record(http, AuditActions.ViewDeleted, AuditActions.Outcomes.Success, orgId, Target(view), new { name = view.Name });
        return TypedResults.NoContent();
    }

    /// <summary>The same 404 for an unknown id and for one of another org; the latter is also audited as a probe.</summary>
    private static ProblemHttpResult NotFound(HttpContext http, string id, MetadataStore store, RefusalAudit refusals)
    {
        int orgId = http.User.GetOrgId();
        if (ParseId(id) is { } key && store.FindSavedViewOrg(key) is { } other && other != orgId)
        {
            refusals.Note(http, AuditActions.CrossOrgProbe, "saved_view_of_another_org", orgId, target: $"view:{key}");
        }

        return IdentityProblems.NotFound($"No saved view '{id}' that you can see in this organisation.");
    }

    private static string Target(SavedViewRow view) => $"view:{view.Id}";

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 ? value : null;

    private static (SavedViewContent? Content, Dictionary<string, string[]> Errors) Validate(SavedViewRequest? body)
    {
        var errors = new Dictionary<string, string[]>();
        string name = body?.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > MaxName)
        {
            errors["name"] = [$"is required and must be at most {MaxName} characters"];
        }

        string query = body?.Query?.Trim() ?? string.Empty;
        if (query.Length is 0 or > MaxQuery)
        {
            errors["query"] = [$"is required and must be at most {MaxQuery} characters"];
        }
        else if (!LogQlParser.TryParse(query, out _, out var syntax))
        {
            errors["query"] = [$"is not a valid LogQL-lite query: {syntax?.Message}"];
        }

        string? range = string.IsNullOrWhiteSpace(body?.Range) ? null : body!.Range!.Trim();
        DateTime? from = null;
        DateTime? to = null;
        if (range is not null)
        {
            if (!TimeRangePreset.All.Any(p => p.Key == range))
            {
                errors["range"] = [$"must be one of {string.Join(", ", TimeRangePreset.All.Select(p => p.Key))}, or left out with from and to"];
            }
        }
        else
        {
            from = ParseTime(body?.From, "from", errors);
            to = ParseTime(body?.To, "to", errors);
            if (from is not null && to is not null && from >= to)
            {
                errors["from"] = ["must be before to"];
            }
        }

        var columns = body?.Columns ?? [];
        if (columns.Count > MaxColumns)
        {
            errors["columns"] = [$"must list at most {MaxColumns} fields"];
        }
        else if (FirstBadColumn(columns) is { } at)
        {
            errors["columns"] = [$"item {at} ('{columns[at]}') is not a field name (letters, digits, _ . -, at most 100 characters)"];
        }
        else if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            errors["columns"] = ["must not list a field twice"];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new SavedViewContent
        {
            Name = name,
            Query = query,
            Range = range,
            From = from,
            To = to,
            Columns = columns.ToList(),
            Shared = body?.Shared ?? false,
        }, errors);
    }

    private static int? FirstBadColumn(IReadOnlyList<string> columns)
    {
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i] is null || !ColumnName().IsMatch(columns[i]))
            {
                return i;
            }
        }

        return null;
    }

    private static DateTime? ParseTime(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors[field] = ["is required when range is left out (RFC 3339, e.g. 2026-01-31T12:00:00Z)"];
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.UtcDateTime;
        }

        errors[field] = ["must be an RFC 3339 time such as 2026-01-31T12:00:00Z"];
        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.\\-]{0,99}$")]
    private static partial Regex ColumnName();

    /// <summary>POST and PUT /api/views.</summary>
    public sealed record SavedViewRequest
    {
        public string? Name { get; init; }

        public string? Query { get; init; }

        /// <summary>A relative range preset (15m, 1h, 6h, 24h, 7d); leave out for from/to.</summary>
        public string? Range { get; init; }

        /// <summary>Start of a fixed range (RFC 3339), with range left out.</summary>
        public string? From { get; init; }

        /// <summary>End of a fixed range (RFC 3339).</summary>
        public string? To { get; init; }

        /// <summary>Field names shown as extra columns.</summary>
        public IReadOnlyList<string>? Columns { get; init; }

        /// <summary>True: every member of the org sees the view.</summary>
        public bool? Shared { get; init; }
    }

    /// <summary>A saved view as the API shows it.</summary>
    public sealed record SavedView(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("query")] string Query,
        [property: JsonPropertyName("range")] string? Range,
        [property: JsonPropertyName("from")] DateTime? From,
        [property: JsonPropertyName("to")] DateTime? To,
        [property: JsonPropertyName("columns")] IReadOnlyList<string> Columns,
        [property: JsonPropertyName("shared")] bool Shared,
        [property: JsonPropertyName("owner")] string Owner,
        [property: JsonPropertyName("mine")] bool Mine,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt,
        [property: JsonPropertyName("updated_at")] DateTime UpdatedAt)
    {
        /// <summary>The view as <paramref name="callerId"/> sees it (<c>mine</c>: they own it).</summary>
        public static SavedView Of(SavedViewRow row, long? callerId)
        {
            ArgumentNullException.ThrowIfNull(row);
            return new SavedView(row.Id.ToString(CultureInfo.InvariantCulture), row.Name, row.Query, row.Range, row.From, row.To, row.Columns, row.Shared,
                row.OwnerEmail, row.OwnerId == callerId, row.CreatedAt, row.UpdatedAt);
        }
    }
}

using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.ApiKeys;

/// <summary>API keys of the caller's org over HTTP (permission keys.manage): list, create, revoke, rotate.</summary>
public static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/keys").WithTags("API keys").RequireAuthorization(Permissions.KeysManage).DisableAntiforgery();
        keys.MapGet("/", List)
            .WithSummary("Keys of the caller's org with last-used time (secrets are never shown again)")
            .Produces<IReadOnlyList<ApiKeyInfo>>();
        keys.MapPost("/", Create)
            .WithSummary("Create a key; the secret is in this answer ONLY")
            .WithDescription("Body {name, scopes: [\"ingest\", \"read\"]}. Use id as x-org-key and secret for the HMAC of signed ingestion, " +
                             "or Authorization: Bearer <id>.<secret> for reads. Works at once.")
            .Produces<CreatedKey>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        keys.MapPost("/{id}/revoke", Revoke)
            .WithSummary("Revoke a key; it is refused at once")
            .Produces<ApiKeyInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/{id}/rotate", Rotate)
            .WithSummary("Give a key a new secret; the old one works for a grace period (default 1 h)")
            .Produces<CreatedKey>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static Ok<List<ApiKeyInfo>> List(ClaimsPrincipal user, ApiKeyService keys) =>
        TypedResults.Ok(keys.List(user.GetOrgId()).Select(ApiKeyInfo.From).ToList());

    private static IResult Create(HttpContext http, CreateKeyRequest? body, ApiKeyManagement keys)
    {
        var errors = new Dictionary<string, string[]>();
        string name = body?.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["is required and must be at most 100 characters"];
        }

        var scopes = ApiKeyScopes.Parse(string.Join(',', body?.Scopes ?? []), out string scopeError);
        if (scopes is null)
        {
            errors["scopes"] = [scopeError];
        }

        if (errors.Count > 0)
        {
            return IdentityProblems.Invalid(errors);
        }

        var created = keys.Create(http, name, scopes!);
        return TypedResults.Created($"/api/keys/{created.Id}", new CreatedKey(created.Id, created.Secret, created.Name, created.Scopes, created.CreatedAt, null));
    }

    private static IResult Revoke(HttpContext http, string id, ApiKeyManagement keys, ApiKeyService store, MetadataStore metadata, RefusalAudit refusals)
    {
        if (!keys.Revoke(http, id))
        {
            NoteProbe(http, id, metadata, refusals);
            return IdentityProblems.NotFound($"No active key '{id}' in this organisation.");
        }

        return TypedResults.Ok(ApiKeyInfo.From(store.List(http.User.GetOrgId()).First(k => k.Id == id)));
    }

    private static IResult Rotate(HttpContext http, string id, ApiKeyManagement keys, MetadataStore metadata, RefusalAudit refusals)
    {
        var result = keys.Rotate(http, id);
        if (result is null)
        {
            NoteProbe(http, id, metadata, refusals);
            return IdentityProblems.NotFound($"No active key '{id}' in this organisation.");
        }

        var (rotated, until) = result.Value;

        return TypedResults.Ok(new CreatedKey(rotated.Id, rotated.Secret, rotated.Name, rotated.Scopes, rotated.CreatedAt, until));
    }

    /// <summary>A 404 for a key id that exists in another org is a cross-org probe: audited, with the same answer as an unknown id.</summary>
    private static void NoteProbe(HttpContext http, string id, MetadataStore metadata, RefusalAudit refusals)
    {
        int orgId = http.User.GetOrgId();
        if (metadata.FindApiKey(id) is { } other && other.OrgId != orgId)
        {
            refusals.Note(http, AuditActions.CrossOrgProbe, "api_key_of_another_org", orgId, target: id);
        }
    }

    /// <summary>POST /api/keys.</summary>
    public sealed record CreateKeyRequest
    {
        public string? Name { get; init; }

        /// <summary>ingest and/or read.</summary>
        public IReadOnlyList<string>? Scopes { get; init; }
    }

    /// <summary>A key as listed (never with its secret).</summary>
    public sealed record ApiKeyInfo(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt,
        [property: JsonPropertyName("created_by")] string? CreatedBy,
        [property: JsonPropertyName("last_used_at")] DateTime? LastUsedAt,
        [property: JsonPropertyName("revoked_at")] DateTime? RevokedAt,
        [property: JsonPropertyName("previous_secret_valid_until")] DateTime? PreviousSecretValidUntil)
    {
        public static ApiKeyInfo From(ApiKeyRow row)
        {
            ArgumentNullException.ThrowIfNull(row);
            return new ApiKeyInfo(row.Id, row.Name, row.Scopes, row.CreatedAt, row.CreatedBy, row.LastUsedAt, row.RevokedAt, row.PreviousExpiresAt);
        }
    }

    /// <summary>A created or rotated key: the only answer that carries the secret.</summary>
    public sealed record CreatedKey(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("secret")] string Secret,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt,
        [property: JsonPropertyName("previous_secret_valid_until")] DateTime? PreviousSecretValidUntil);
}

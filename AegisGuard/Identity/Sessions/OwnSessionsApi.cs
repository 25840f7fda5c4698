using System.Text.Json.Serialization;
using AegisGuard.Audit;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Identity.Sessions;

/// <summary>
/// The signed-in user's own sessions (<c>/api/auth/sessions</c>): list them, sign one out, sign out all but this one.
/// Only ever the caller's own: another user's session id answers 404, exactly like an unknown one.
/// </summary>
public static class OwnSessionsApi
{
    public static IEndpointRouteBuilder MapOwnSessionsApi(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapGroup("/api/auth/sessions").WithTags("Authentication").RequireAuthorization().DisableAntiforgery();
        sessions.MapGet("/", List)
            .WithSummary("Your active sessions (one per sign-in), newest first")
            .WithDescription("Each: id, org, created_at, last_used_at (the sign-in or last refresh), ip, user_agent, current (the session making this call).")
            .Produces<OwnSessions>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        sessions.MapPost("/{id}/revoke", Revoke)
            .WithSummary("Sign out one of your sessions")
            .WithDescription("Ends it at once (its access token stops working too). Revoking the current session signs you out here. 404 for an id that is not one of your active sessions.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        sessions.MapPost("/revoke-others", RevokeOthers)
            .WithSummary("Sign out every session of yours except this one")
            .Produces<RevokedSessions>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    /// <summary>The caller's sessions as the API and the profile page describe them.</summary>
    public static IReadOnlyList<OwnSession> Describe(MetadataStore store, TimeProvider time, SessionGrant grant)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(grant);
        var orgs = store.ListMembershipsOfUser(grant.UserId).ToDictionary(m => m.OrgId, m => m.OrgSlug);
        return [.. store.ListActiveSessions(grant.UserId, time.GetUtcNow().UtcDateTime).Select(s => new OwnSession(
            s.FamilyId, orgs.GetValueOrDefault(s.OrgId, ""), s.StartedAt, s.LastUsedAt, s.Ip, s.UserAgent, s.FamilyId == grant.FamilyId))];
    }

    private static IResult List(HttpContext http, MetadataStore store, TimeProvider time) =>
        AuthApi.SessionOf(http.User) is not { } grant
            ? NoSession()
            : TypedResults.Ok(new OwnSessions(Describe(store, time, grant)));

    private static IResult Revoke(HttpContext http, string id, MetadataStore store, AuditLog audit, TimeProvider time)
    {
        if (AuthApi.SessionOf(http.User) is not { } grant)
        {
            return NoSession();
        }

        if (id.Length > 64 || !store.RevokeSessionOfUser(grant.UserId, id, time.GetUtcNow().UtcDateTime))
        {
            return IdentityProblems.NotFound($"You have no active session with id '{id}'.");
        }

        audit.Record(http, AuditActions.SessionRevoked, AuditActions.Outcomes.Success, grant.OrgId, grant.Email, new { session = id, current = id == grant.FamilyId });
        if (id == grant.FamilyId)
        {
            SessionService.ClearCookies(http);
        }

        return TypedResults.NoContent();
    }

    private static IResult RevokeOthers(HttpContext http, MetadataStore store, AuditLog audit, TimeProvider time)
    {
        if (AuthApi.SessionOf(http.User) is not { } grant)
        {
            return NoSession();
        }

        int before = store.ListActiveSessions(grant.UserId, time.GetUtcNow().UtcDateTime).Count(s => s.FamilyId != grant.FamilyId);
        store.RevokeRefreshTokensOfUser(grant.UserId, grant.FamilyId, time.GetUtcNow().UtcDateTime);
        audit.Record(http, AuditActions.OtherSessionsRevoked, AuditActions.Outcomes.Success, grant.OrgId, grant.Email, new { sessions = before });
        return TypedResults.Ok(new RevokedSessions(before));
    }

    private static ProblemHttpResult NoSession() =>
        IdentityProblems.Forbidden("Sessions belong to signed-in users; API keys have none.", "user_session_required");

    /// <summary>GET /api/auth/sessions.</summary>
    public sealed record OwnSessions([property: JsonPropertyName("sessions")] IReadOnlyList<OwnSession> Sessions);

    /// <summary>One session of the caller.</summary>
    public sealed record OwnSession(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("org")] string Org,
        [property: JsonPropertyName("created_at")] DateTime CreatedAt,
        [property: JsonPropertyName("last_used_at")] DateTime LastUsedAt,
        [property: JsonPropertyName("ip")] string? Ip,
        [property: JsonPropertyName("user_agent")] string? UserAgent,
        [property: JsonPropertyName("current")] bool Current);

    /// <summary>POST /api/auth/sessions/revoke-others.</summary>
    public sealed record RevokedSessions([property: JsonPropertyName("revoked")] int Revoked);
}

using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Identity;
using AegisGuard.Storage.Quarantine;

namespace AegisGuard.Pipeline;

/// <summary>
/// The caller's org's quarantined batches over HTTP (permission org.settings): list them with the reason, replay one
/// through the pipeline, or discard one.
/// </summary>
public static class QuarantineApi
{
    public static IEndpointRouteBuilder MapQuarantineApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/quarantine").WithTags("Pipeline").RequireAuthorization(Permissions.OrgSettings).DisableAntiforgery();
        group.MapGet("/", List)
            .WithSummary("Batches of the caller's org that were accepted but could not be stored, with the reason")
            .WithDescription("A batch the pipeline cannot store is set aside here instead of stopping the pipeline. " +
                             "include_replayed=true also lists the ones already sent back.")
            .Produces<QuarantineList>();
        group.MapPost("/{id}/replay", Replay)
            .WithSummary("Send a quarantined batch through the pipeline again (same batch id)")
            .Produces<QuarantineItem>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{id}", Discard)
            .WithSummary("Give up a quarantined batch (its data is deleted)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<QuarantineList> List(ClaimsPrincipal user, QuarantineService quarantine, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "include_replayed")] bool? includeReplayed)
    {
        var entries = quarantine.List(user.GetOrgId(), includeReplayed == true);
        return TypedResults.Ok(new QuarantineList([.. entries.Select(QuarantineItem.From)], entries.Count(e => e.State == QuarantineStore.Quarantined)));
    }

    private static async Task<IResult> Replay(HttpContext http, string id, QuarantineService quarantine, CancellationToken cancellationToken)
    {
        var outcome = await quarantine.ReplayAsync(http, http.User.GetOrgId(), id, cancellationToken);
        return outcome.Result switch
        {
            ReplayResult.Replayed => TypedResults.Json(QuarantineItem.From(outcome.Entry!), statusCode: StatusCodes.Status202Accepted),
            ReplayResult.NotFound => IdentityProblems.NotFound($"No quarantined batch '{id}' in this organisation."),
            ReplayResult.NotWaiting => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not waiting", detail: $"Batch '{id}' cannot be replayed: {outcome.Reason}."),
            ReplayResult.NotReplayable => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not replayable", detail: $"Batch '{id}' cannot be replayed: {outcome.Reason}."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable", detail: $"Batch '{id}' was not replayed: {outcome.Reason}."),
        };
    }

    private static IResult Discard(HttpContext http, string id, QuarantineService quarantine) =>
        quarantine.Discard(http, http.User.GetOrgId(), id)
            ? TypedResults.NoContent()
            : IdentityProblems.NotFound($"No quarantined batch '{id}' in this organisation.");

    /// <summary>The answer of GET /api/quarantine.</summary>
    public sealed record QuarantineList(
        [property: JsonPropertyName("records")] IReadOnlyList<QuarantineItem> Records,
        [property: JsonPropertyName("waiting")] int Waiting);

    /// <summary>One quarantined batch.</summary>
    public sealed record QuarantineItem(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("signal")] string? Signal,
        [property: JsonPropertyName("batch_id")] string? BatchId,
        [property: JsonPropertyName("items")] int Items,
        [property: JsonPropertyName("received_at")] DateTime? ReceivedAt,
        [property: JsonPropertyName("quarantined_at")] DateTime QuarantinedAt,
        [property: JsonPropertyName("stage")] string Stage,
        [property: JsonPropertyName("reason")] string Reason,
        [property: JsonPropertyName("bytes")] long Bytes,
        [property: JsonPropertyName("state")] string State,
        [property: JsonPropertyName("replayed_at")] DateTime? ReplayedAt)
    {
        public static QuarantineItem From(QuarantinedRecord entry)
        {
            ArgumentNullException.ThrowIfNull(entry);
            return new QuarantineItem(entry.Id, entry.Signal, entry.BatchId, entry.ItemCount, entry.ReceivedAt, entry.QuarantinedAt, entry.Stage, entry.Reason, entry.Bytes, entry.State, entry.ReplayedAt);
        }
    }
}

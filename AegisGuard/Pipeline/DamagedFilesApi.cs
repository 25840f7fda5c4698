using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Storage.Parquet;

namespace AegisGuard.Pipeline;

/// <summary>
/// The caller's org's Parquet files that could not be read and were moved aside (permission org.settings): list them
/// with what they held, list one again once a good copy is back in place, or accept that its rows are lost. An org only
/// sees and touches its own files.
/// </summary>
public static class DamagedFilesApi
{
    public static IEndpointRouteBuilder MapDamagedFilesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/storage/damaged-files").WithTags("Pipeline").RequireAuthorization(Permissions.OrgSettings).DisableAntiforgery();
        group.MapGet("/", List)
            .WithSummary("Parquet files of the caller's org that could not be read and were moved aside")
            .WithDescription("Queries answer without their rows (with a warning) until a file is listed again or its loss accepted. " +
                             "include_accepted=true also lists the ones given up.")
            .Produces<DamagedFileList>();
        group.MapPost("/relist", Relist)
            .WithSummary("List a damaged file again after restoring a good copy to data/telemetry/<path> (it must read whole and hold the same rows)")
            .Produces<DamagedFileItem>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/accept", Accept)
            .WithSummary("Accept that a damaged file's rows are lost: its warning ends, its record stays")
            .Produces<DamagedFileItem>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<DamagedFileList> List(ClaimsPrincipal user, TelemetryStore store,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "include_accepted")] bool? includeAccepted)
    {
        int org = user.GetOrgId();
        var files = store.DamagedFiles(includeAccepted == true).Where(f => f.Listing.OrgId == org).ToList();
        return TypedResults.Ok(new DamagedFileList([.. files.Select(DamagedFileItem.From)]));
    }

    private static IResult Relist(HttpContext http, DamagedFileRequest? body, TelemetryStore store, AuditLog audit, CancellationToken cancellationToken)
    {
        if (Own(http, body, store) is not { } file)
        {
            return IdentityProblems.NotFound($"No damaged file '{body?.Path}' in this organisation.");
        }

        try
        {
            var relisted = store.RelistDamagedFile(file.Path, cancellationToken);
            audit.Record(http, AuditActions.DamagedFileRelisted, AuditActions.Outcomes.Success, file.Listing.OrgId, file.Path, new { rows = file.Listing.Rows });
            return TypedResults.Ok(DamagedFileItem.From(relisted));
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not listed again", detail: ex.Message);
        }
    }

    private static IResult Accept(HttpContext http, DamagedFileRequest? body, TelemetryStore store, AuditLog audit)
    {
        if (Own(http, body, store) is not { } file)
        {
            return IdentityProblems.NotFound($"No damaged file '{body?.Path}' in this organisation.");
        }

        var accepted = store.AcceptDamagedFile(file.Path);
        audit.Record(http, AuditActions.DamagedFileAccepted, AuditActions.Outcomes.Success, file.Listing.OrgId, file.Path, new { rows = file.Listing.Rows });
        return TypedResults.Ok(DamagedFileItem.From(accepted));
    }

    /// <summary>The caller's org's damaged file named by the request, or null (another org's path is "not found").</summary>
    private static DamagedFile? Own(HttpContext http, DamagedFileRequest? body, TelemetryStore store) =>
        string.IsNullOrEmpty(body?.Path) ? null
            : store.DamagedFiles(includeAccepted: true).FirstOrDefault(f => f.Path == body.Path && f.Listing.OrgId == http.User.GetOrgId());

    /// <summary>POST body: the file's path as listed (relative to data/telemetry).</summary>
    public sealed record DamagedFileRequest
    {
        public string? Path { get; init; }
    }

    /// <summary>The answer of GET /api/storage/damaged-files.</summary>
    public sealed record DamagedFileList([property: JsonPropertyName("files")] IReadOnlyList<DamagedFileItem> Files);

    /// <summary>One damaged file and what it held.</summary>
    public sealed record DamagedFileItem(
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("signal")] string Signal,
        [property: JsonPropertyName("day")] string Day,
        [property: JsonPropertyName("rows")] long Rows,
        [property: JsonPropertyName("reason")] string Reason,
        [property: JsonPropertyName("moved_to")] string? MovedTo,
        [property: JsonPropertyName("detected_at")] DateTime DetectedAt,
        [property: JsonPropertyName("accepted_at")] DateTime? AcceptedAt)
    {
        public static DamagedFileItem From(DamagedFile file)
        {
            ArgumentNullException.ThrowIfNull(file);
            return new DamagedFileItem(file.Path, AegisGuard.Storage.Telemetry.SignalNames.Of(file.Listing.Signal), file.Listing.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                file.Listing.Rows, file.Reason, file.QuarantinedAs is null ? null : "data/quarantine/files/" + file.QuarantinedAs, file.DetectedAt, file.AcceptedAt);
        }
    }
}

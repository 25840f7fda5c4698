namespace AegisGuard.Query;

/// <summary>The error answers every telemetry read endpoint documents, in one place.</summary>
public static class ReadEndpointConventions
{
    /// <summary>400 validation problem (bad parameters or query), 401 (no valid session or key), 403 (missing permission).</summary>
    public static RouteHandlerBuilder ProducesReadProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden);
}

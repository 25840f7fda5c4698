using AegisGuard.Pipeline;
using AegisGuard.Storage.IngestLog;

namespace AegisGuard.Hosting;

/// <summary>GET /healthz: 200 once the appliance is ready and can take batches; 503 with the reason when it cannot.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", (IngestLog log, PipelineStatus pipeline) =>
            {
                string? problem = log.UnavailableReason;
                var body = new HealthReport(
                    problem is null ? "ready" : "degraded",
                    problem is null ? "ok" : problem,
                    new PipelineReport(log.TailAddress - Math.Max(pipeline.FlushedUntil, log.BeginAddress), log.CommittedUntilAddress, pipeline.ReaderAddress, pipeline.FlushedUntil, pipeline.RowsWritten, pipeline.FilesWritten, pipeline.FlushFailures, pipeline.Quarantined, pipeline.LastFlushAt, pipeline.LastError));
                return problem is null ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithTags("Health")
            .WithSummary("Readiness and storage state")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();
        return routes;
    }

    /// <summary>The health answer.</summary>
    /// <param name="Status">ready or degraded.</param>
    /// <param name="Ingest">ok, or why batches are refused (e.g. disk nearly full).</param>
    /// <param name="Pipeline">Progress of the normalizer.</param>
    public sealed record HealthReport(string Status, string Ingest, PipelineReport Pipeline);

    /// <summary>Normalizer progress.</summary>
    /// <param name="BacklogBytes">Bytes of ingest log not yet in Parquet.</param>
    /// <param name="CommittedAddress">Everything before this ingest log address is durable.</param>
    /// <param name="ReaderAddress">The ingest log address the normalizer reads next.</param>
    /// <param name="FlushedAddress">Everything before this ingest log address is in Parquet.</param>
    /// <param name="RowsWritten">Rows written since start.</param>
    /// <param name="FilesWritten">Parquet files written since start.</param>
    /// <param name="FlushFailures">Failed flush attempts since start (they are retried).</param>
    /// <param name="Quarantined">Undecodable records set aside since start.</param>
    /// <param name="LastFlushAt">Time of the last flush.</param>
    /// <param name="LastError">The last flush error, if the last flush failed.</param>
    public sealed record PipelineReport(long BacklogBytes, long CommittedAddress, long ReaderAddress, long FlushedAddress, long RowsWritten, long FilesWritten, long FlushFailures, long Quarantined, DateTime? LastFlushAt, string? LastError);
}

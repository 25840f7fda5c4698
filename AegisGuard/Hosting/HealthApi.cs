using System.Net;
using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;

namespace AegisGuard.Hosting;

/// <summary>
/// GET /healthz: 200 once the appliance is ready and can take batches; 503 with the reason when it cannot. The full report
/// goes to callers on the appliance itself (loopback, after <c>Security:TrustedProxies</c>) and to instance administrators;
/// anyone else gets <see cref="PublicHealthReport"/> (readiness, ingest state, the components at fault).
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", (HttpContext http, IngestLog log, PipelineStatus pipeline, HealthConditions health, ClientIpResolver ips) =>
            {
                var (ready, body) = Build(log, pipeline, health);
                int status = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;

                // The details (reasons naming files and orgs, the whole appliance's traffic, memory) are for the operator:
                // the appliance itself (probes, the CLI, a container health check) and instance administrators. Anyone
                // else — a load balancer elsewhere, any visitor — gets readiness and the components at fault.
                if (!IPAddress.IsLoopback(ips.Resolve(http)) && !http.User.HasPermission(Permissions.InstanceAdmin))
                {
                    return Results.Json(new PublicHealthReport(body.Status, body.Ingest, [.. body.Problems.Select(p => p.Component)]), statusCode: status);
                }

                return Results.Json(body, statusCode: status);
            })
            .WithTags("Health")
            .WithSummary("Readiness and storage state")
            .WithDescription("From the appliance itself (loopback) or for an instance administrator: the full report with reasons, pipeline " +
                             "and runtime figures. From anywhere else: {status, ingest, problems: [component]} only.")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();
        return routes;
    }

    /// <summary>The health answer and whether the appliance is ready (also served to instance administrators at /api/instance/health).</summary>
    public static (bool Ready, HealthReport Body) Build(IngestLog log, PipelineStatus pipeline, HealthConditions health)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(health);
        string? ingestProblem = log.UnavailableReason;
        var conditions = health.Current;
        var problems = conditions.Where(c => c.Impact == HealthImpact.NotReady).Select(ConditionReport.Of).ToList();
        var warnings = conditions.Where(c => c.Impact == HealthImpact.Warning).Select(ConditionReport.Of).ToList();
        if (ingestProblem is not null && !problems.Any(p => p.Component is IngestComponent or IngestLogComponent))
        {
            problems.Insert(0, new ConditionReport(IngestComponent, ingestProblem, null));
        }

        bool ready = problems.Count == 0;
        var body = new HealthReport(
            ready ? "ready" : "degraded",
            ingestProblem ?? "ok",
            problems,
            warnings,
            new PipelineReport(Math.Max(0, log.TailAddress - Math.Max(pipeline.StoredUntil, log.BeginAddress)), log.CommittedUntilAddress, pipeline.ReaderAddress, pipeline.FlushedUntil, pipeline.RowsWritten, pipeline.FilesWritten, pipeline.FlushFailures, pipeline.Quarantined, pipeline.LastFlushAt, pipeline.LastError),
            RuntimeReport.Now());
        return (ready, body);
    }

    private const string IngestComponent = "ingest";

    // The ingest log reports its failures on the board itself; its UnavailableReason then says the same thing.
    private const string IngestLogComponent = "ingest-log";

    /// <summary>The health answer.</summary>
    /// <param name="Status">ready (200), or degraded (503) while any problem is listed.</param>
    /// <param name="Ingest">ok, or why batches are refused (e.g. disk nearly full).</param>
    /// <param name="Problems">What keeps the appliance from being ready, each with its reason and since when.</param>
    /// <param name="Warnings">What a person should know while the appliance works (e.g. a damaged file moved aside).</param>
    /// <param name="Pipeline">Progress of the normalizer.</param>
    /// <param name="Runtime">Memory and garbage collection of the process.</param>
    public sealed record HealthReport(string Status, string Ingest, IReadOnlyList<ConditionReport> Problems, IReadOnlyList<ConditionReport> Warnings, PipelineReport Pipeline, RuntimeReport Runtime);

    /// <summary>The health answer for callers that are neither on the appliance itself nor an instance administrator.</summary>
    /// <param name="Status">ready (200), or degraded (503).</param>
    /// <param name="Ingest">ok, or why batches are refused (agents get the same reason with their 503).</param>
    /// <param name="Problems">The components that keep the appliance from being ready, without the reasons.</param>
    public sealed record PublicHealthReport(string Status, string Ingest, IReadOnlyList<string> Problems);

    /// <summary>One condition as /healthz lists it.</summary>
    /// <param name="Component">What reports it, e.g. ingest-log, pipeline.write, storage.file:…</param>
    /// <param name="Reason">What is wrong and what to do about it.</param>
    /// <param name="Since">When it began (UTC), when known.</param>
    public sealed record ConditionReport(string Component, string Reason, DateTime? Since)
    {
        public static ConditionReport Of(HealthCondition condition) => new(condition.Component, condition.Reason, condition.Since);
    }

    /// <summary>Memory and garbage collection since start (GC pauses stop request handling, so they show in ack latency).</summary>
    /// <param name="WorkingSetBytes">Resident memory of the process (includes DuckDB's buffers).</param>
    /// <param name="ManagedHeapBytes">Bytes on the .NET heap after the last collection.</param>
    /// <param name="GcPauseMsTotal">Total time all threads were paused by the GC.</param>
    /// <param name="Gen0Collections">Generation 0 collections.</param>
    /// <param name="Gen1Collections">Generation 1 collections.</param>
    /// <param name="Gen2Collections">Generation 2 (full) collections.</param>
    public sealed record RuntimeReport(long WorkingSetBytes, long ManagedHeapBytes, double GcPauseMsTotal, int Gen0Collections, int Gen1Collections, int Gen2Collections)
    {
        public static RuntimeReport Now()
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return new RuntimeReport(
                process.WorkingSet64,
                GC.GetGCMemoryInfo().HeapSizeBytes,
                Math.Round(GC.GetTotalPauseDuration().TotalMilliseconds, 1),
                GC.CollectionCount(0),
                GC.CollectionCount(1),
                GC.CollectionCount(2));
        }
    }

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

using AegisGuard.Hosting;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pipeline;

/// <summary>
/// Once a second, tells the health board what the pipeline's numbers mean: not ready while batches accepted before a
/// restart are still being stored (so "ready" implies they are queryable), while the oldest accepted batch has waited
/// longer than the backlog bound, and while data waits but nothing has been stored for <c>StallAfter</c>.
/// </summary>
public sealed class PipelineWatchdog(
    IngestLog log,
    PipelineStatus status,
    BacklogMonitor backlog,
    HealthConditions health,
    IOptions<AegisOptions> options,
    TimeProvider time) : BackgroundService
{
    public const string ReplayComponent = "pipeline.replay";
    public const string BacklogComponent = "pipeline.backlog";
    public const string StallComponent = "pipeline.stalled";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            Check();
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One look at the numbers (also called by tests).</summary>
    public void Check()
    {
        long flushed = status.StoredUntil;
        long startTail = status.StartTail;
        long begin = log.BeginAddress;
        if (flushed < startTail && startTail > begin)
        {
            health.Report(ReplayComponent, HealthImpact.NotReady,
                $"storing the batches accepted before the restart ({Mib(startTail - Math.Max(flushed, begin))} to go); they become queryable as it goes");
        }
        else
        {
            health.Clear(ReplayComponent);
        }

        var limits = options.Value;
        var age = backlog.Age;
        long bytes = backlog.Bytes;
        if (age > limits.Ingest.MaxBacklogAge || bytes > limits.Ingest.MaxBacklogBytes)
        {
            health.Report(BacklogComponent, HealthImpact.NotReady,
                $"accepted batches wait {age.TotalSeconds:0} s to become queryable ({Mib(bytes)} waiting; bounds {limits.Ingest.MaxBacklogAge.TotalSeconds:0} s / {Mib(limits.Ingest.MaxBacklogBytes)}); new batches get 503 until it shrinks");
        }
        else
        {
            health.Clear(BacklogComponent);
        }

        var idle = status.ProgressAt is { } at ? time.GetUtcNow().UtcDateTime - at : TimeSpan.Zero;
        if (bytes > 0 && idle > limits.Pipeline.StallAfter)
        {
            string why = status.LastError ?? status.LastStageFailure ?? "no error reported";
            health.Report(StallComponent, HealthImpact.NotReady,
                $"nothing has been stored for {idle.TotalSeconds:0} s while {Mib(bytes)} of accepted batches wait (last error: {why})");
        }
        else
        {
            health.Clear(StallComponent);
        }
    }

    private static string Mib(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

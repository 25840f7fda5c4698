using AegisGuard.Hosting;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pipeline;

/// <summary>
/// Periodic upkeep: compacts partitions with many small flush files into one sorted file, applies each org's
/// retention (whole days older than its retention stop being queryable), deletes replaced and expired files after
/// their grace period, and forgets idempotency records past their window.
/// </summary>
public sealed partial class StorageMaintenance(
    TelemetryStore store,
    MetadataStore metadata,
    IOptions<AegisOptions> options,
    TimeProvider time,
    ILogger<StorageMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.Pipeline.CompactionInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                RunOnce(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round of upkeep (also called by tests).</summary>
    public void RunOnce(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            store.Compact(settings.Pipeline.CompactionMinFiles, settings.Pipeline.CompactionGrace, cancellationToken);
            foreach (var org in metadata.ListOrgs())
            {
                store.ApplyRetention(org.Id, org.RetentionDays, now, settings.Pipeline.CompactionGrace);
            }

            store.DeleteExpired(now);
            metadata.PurgeIdempotency(now - settings.Ingest.IdempotencyWindow);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage maintenance failed; it will run again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using AegisGuard.Storage.Health;
using AegisGuard.Storage.Parquet.Metrics;

namespace AegisGuard.Pipeline;

/// <summary>
/// Runs the metric store's follower: about once a second (at once while a backlog remains) it adds the metric rows
/// stored since its watermark to the series catalog and the rollups. A failing step is reported on the health board as
/// <c>metrics.rollups</c> (a warning: raw queries still work, new series and rollups lag) and retried with backoff.
/// </summary>
public sealed partial class MetricFollowerService(ParquetMetricStore store, HealthConditions health, ILogger<MetricFollowerService> logger) : BackgroundService
{
    /// <summary>The health board component of the follower.</summary>
    public const string HealthComponent = "metrics.rollups";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool more;
            try
            {
                more = await store.FollowOnceAsync(stoppingToken);
                health.Clear(HealthComponent);
                backoff = PollInterval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                health.Report(HealthComponent, HealthImpact.Warning,
                    $"The metric catalog and rollups are not following stored samples ({ex.Message}); new series and rollups lag until it recovers. Retrying.");
                more = false;
                backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            }

            if (!more)
            {
                try
                {
                    // Real time on purpose: this paces polling; a fake clock in tests must not stop the follower.
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Following stored metric rows failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

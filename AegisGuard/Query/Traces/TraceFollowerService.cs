using AegisGuard.Storage.Parquet.Traces;

namespace AegisGuard.Query.Traces;

/// <summary>
/// Runs the trace summary follower about once a second (see <see cref="TraceSummaryFollower"/>): it reads what the
/// manifest lists, never the write path's internals. A failed catch-up is logged and tried again with backoff; the
/// summaries stay as they were (the watermark did not move).
/// </summary>
public sealed partial class TraceFollowerService(ParquetSpanStore spans, TimeProvider time, ILogger<TraceFollowerService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await spans.Follower.CatchUpAsync(stoppingToken);
                wait = Interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCatchUpFailed(logger, ex, wait);
                wait = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, wait.Ticks * 2));
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Trace summaries could not catch up; trying again in {Wait}")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, TimeSpan wait);
}

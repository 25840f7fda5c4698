using AegisGuard.Hosting;
using Microsoft.Extensions.Options;

namespace AegisGuard.Audit;

/// <summary>Writes <see cref="RefusalAudit"/>'s counts every window, and once more at shutdown so no count is lost.</summary>
public sealed class RefusalAuditFlusher(RefusalAudit refusals, IOptions<AegisOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Audit.RefusalWindow, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                refusals.Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutdown: StopAsync flushes.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        refusals.Flush();
    }
}

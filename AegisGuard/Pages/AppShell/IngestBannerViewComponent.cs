using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// A banner on every page while the appliance is not ready — ingestion refuses batches (e.g. the disk is nearly full),
/// or accepted batches are not being stored — naming each reason as /healthz does: the design makes these visible
/// states (health endpoint, UI banner, 503), never silent loss.
/// </summary>
public sealed class IngestBannerViewComponent(IngestLog log, HealthConditions health) : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        var reasons = health.Current.Where(c => c.Impact == HealthImpact.NotReady).Select(c => c.Reason).ToList();
        if (log.UnavailableReason is { } refused && !reasons.Contains(refused))
        {
            reasons.Insert(0, refused);
        }

        return reasons.Count == 0 ? Content(string.Empty) : View(new IngestBanner(log.UnavailableReason is not null, reasons));
    }
}

/// <summary>What the banner says: whether batches are refused, and every reason the appliance is not ready.</summary>
public sealed record IngestBanner(bool Refusing, IReadOnlyList<string> Reasons);

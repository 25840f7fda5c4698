using AegisGuard.Storage.IngestLog;
using Microsoft.AspNetCore.Mvc;

namespace AegisGuard.Pages.AppShell;

/// <summary>
/// A banner on every page while ingestion refuses batches (e.g. the disk is nearly full): the design makes a full disk
/// a visible state (health endpoint, UI banner, 503), never silent loss.
/// </summary>
public sealed class IngestBannerViewComponent(IngestLog log) : ViewComponent
{
    public IViewComponentResult Invoke()
    {
        string? reason = log.UnavailableReason;
        return reason is null ? Content(string.Empty) : View(model: reason);
    }
}

using System.Globalization;
using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Components;
using AegisGuard.Pipeline;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Overview;

/// <summary>
/// The landing page (<c>/</c>): what the appliance holds for the org — events, files and bytes per signal, the daily
/// volume — and whether ingestion is healthy. The ingest-pipeline card shows appliance-wide figures to instance
/// administrators only; other members see their own org's state. With nothing stored yet it shows how to send a first
/// signed batch.
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class IndexModel(OverviewReader reader, CurrentOrg currentOrg, CliInvocation cli, QuarantineService quarantine) : PageModel
{
    public Org Org { get; private set; } = null!;

    public ApplianceOverview Overview { get; private set; } = null!;

    public IngestGuide Guide { get; private set; } = null!;

    /// <summary>True when the user may replay or discard quarantined batches.</summary>
    public bool CanManageQuarantine => User.HasPermission(Permissions.OrgSettings);

    public void OnGet()
    {
        Org = currentOrg.For(User);
        Overview = reader.Read(Org.Id, applianceWide: User.HasPermission(Permissions.InstanceAdmin));
        Guide = IngestGuide.For(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }

    public async Task<IActionResult> OnPostReplayAsync(string id, CancellationToken cancellationToken)
    {
        if (!CanManageQuarantine)
        {
            return Forbid();
        }

        var outcome = await quarantine.ReplayAsync(HttpContext, User.GetOrgId(), id, cancellationToken);
        if (outcome.Result == ReplayResult.Replayed)
        {
            TempData[FlashMessageTagHelper.Success] = $"Batch {outcome.Entry!.BatchId} went back through the pipeline; its events are queryable in a moment (or it is set aside again with the new reason).";
        }
        else
        {
            TempData[FlashMessageTagHelper.Error] = outcome.Result == ReplayResult.NotFound
                ? "That quarantined batch is not in this organisation (any more)."
                : $"The batch was not replayed: {outcome.Reason}.";
        }

        return LocalRedirect("/#quarantine");
    }

    public IActionResult OnPostDiscard(string id)
    {
        if (!CanManageQuarantine)
        {
            return Forbid();
        }

        if (quarantine.Discard(HttpContext, User.GetOrgId(), id))
        {
            TempData[FlashMessageTagHelper.Success] = "The quarantined batch was discarded; its events are gone.";
        }
        else
        {
            TempData[FlashMessageTagHelper.Error] = "That quarantined batch is not in this organisation (any more).";
        }

        return LocalRedirect("/#quarantine");
    }

    /// <summary>The volume chart's data for wwwroot/js/pages/overview.js: one series per signal, a point per UTC day.</summary>
    public object VolumeChart => new
    {
        stepMs = (long)TimeSpan.FromDays(1).TotalMilliseconds,
        series = Overview.Signals.Select(s => new
        {
            key = SignalNames.Of(s.Signal),
            label = s.Title,
            points = Overview.Days.Select(d => new object[]
            {
                new DateTimeOffset(d.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds(),
                d.RowsBySignal.GetValueOrDefault(SignalNames.Of(s.Signal)),
            }),
        }),
    };

    public static string SignalIcon(Signal signal) => signal switch
    {
        Signal.Logs => "logs",
        Signal.Metrics => "metrics",
        Signal.Traces => "traces",
        _ => "rum",
    };

    public static string Plural(long count, string one, string many) =>
        count.ToString("N0", CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);
}

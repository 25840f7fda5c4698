using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Traces;

/// <summary>
/// Trace search (<c>/traces</c>): the search form, the latency distribution, the results and the services table. The
/// page renders the frame and whether the org has any spans at all; wwwroot/js/pages/traces.js asks the traces API
/// (<c>/api/traces</c>, <c>/api/traces/durations</c>, <c>/api/services</c>) with the user's session, and keeps the
/// search in the URL so a shared link shows the same results.
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class IndexModel(TelemetryStore store, CurrentOrg currentOrg, CliInvocation cli) : PageModel
{
    public Org Org { get; private set; } = null!;

    /// <summary>False when the org has not a single stored span: the page leads with how to send a trace.</summary>
    public bool HasSpans { get; private set; }

    public TraceIngestGuide Guide { get; private set; } = null!;

    public void OnGet()
    {
        Org = currentOrg.For(User);
        HasSpans = OrgHasSpans(store, Org.Id);
        Guide = TraceIngestGuide.For(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }

    /// <summary>
    /// Whether any span of the org is stored: read from the manifest (one indexed query, no Parquet scan), so the empty
    /// state costs nothing. Rollup files summarise rows other files hold and do not count.
    /// </summary>
    public static bool OrgHasSpans(TelemetryStore store, int orgId)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Manifest.ListFiles(Signal.Traces, orgId, DateTime.MinValue, DateTime.MaxValue)
            .Any(f => f.Level != "rollup" && f.Rows > 0);
    }
}

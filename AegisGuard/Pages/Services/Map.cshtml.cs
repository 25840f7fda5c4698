using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Pages.Traces;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Services;

/// <summary>
/// The service dependency map (<c>/services/map</c>): services as nodes, caller → callee edges from spans whose
/// parent belongs to another service. wwwroot/js/pages/service-map.js lays the graph out and draws it from
/// <c>/api/services/map</c>; a node opens its RED charts and top operations, an edge its calls.
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class MapModel(TelemetryStore store, CurrentOrg currentOrg, CliInvocation cli) : PageModel
{
    public Org Org { get; private set; } = null!;

    public bool HasSpans { get; private set; }

    public TraceIngestGuide Guide { get; private set; } = null!;

    public void OnGet()
    {
        Org = currentOrg.For(User);
        HasSpans = IndexModel.OrgHasSpans(store, Org.Id);
        Guide = TraceIngestGuide.For(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }
}

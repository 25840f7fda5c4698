using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Query.LogQl;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Pages.Logs;

/// <summary>
/// The Logs explorer (<c>/logs</c>): a LogQL-lite query bar, the volume histogram, facets and the result list. The
/// page itself only renders the frame and the state a first paint needs (the org, whether it has any logs at all, the
/// query from the URL); wwwroot/js/pages/logs.js runs the queries against the LogQL-lite API
/// (<see cref="LogQlApi"/>) with the user's session, so a shared URL shows the same view to anyone of the org.
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class IndexModel(LogQueryStore store, CurrentOrg currentOrg, CliInvocation cli) : PageModel
{
    /// <summary>What the query bar holds when the URL names no query: every line.</summary>
    public const string DefaultQuery = "{}";

    public Org Org { get; private set; } = null!;

    /// <summary>False when the org has not a single stored log line: the page leads with how to send some.</summary>
    public bool HasLogs { get; private set; }

    /// <summary>The query of the URL (<c>?query=</c>), so the first paint already shows it.</summary>
    public string Query { get; private set; } = DefaultQuery;

    public IngestGuide Guide { get; private set; } = null!;

    /// <summary>Whether the user may save and delete views (views.write); everyone who reads logs may open them.</summary>
    public bool CanWriteViews { get; private set; }

    public void OnGet(string? query)
    {
        Org = currentOrg.For(User);
        HasLogs = store.Totals(Org.Id).Rows > 0;
        CanWriteViews = User.HasPermission(Permissions.ViewsWrite);
        Query = string.IsNullOrWhiteSpace(query) ? DefaultQuery : query;
        Guide = IngestGuide.For(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }
}

using System.Globalization;
using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Query.Traces;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Traces;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Traces;

/// <summary>
/// One trace (<c>/traces/{traceId}</c>): the waterfall, the span detail panel and the trace's logs. Log lines' trace
/// links and the Logs page's "view trace" land here. The page answers 404 for an id that cannot be a trace id (the
/// traces API takes 16 or 32 hex digits) and for one the org has no span of (one span is read to know); otherwise
/// wwwroot/js/pages/trace-view.js loads the whole trace from <c>/api/traces/{traceId}</c> (and shows "not found" itself
/// should the trace vanish in between, e.g. through retention).
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class TraceModel(CurrentOrg currentOrg, ISpanStore spans) : PageModel
{
    public Org Org { get; private set; } = null!;

    public string TraceId { get; private set; } = "";

    /// <summary>False for an id that is not 16 or 32 hex digits: the page is a 404 then.</summary>
    public bool IsTraceId { get; private set; }

    /// <summary>False when the org has no span of the trace (or the id is not a trace id): the page is a 404.</summary>
    public bool Found { get; private set; }

    public async Task<IActionResult> OnGetAsync(string traceId, CancellationToken cancellationToken)
    {
        Org = currentOrg.For(User);
        TraceId = traceId ?? "";
        IsTraceId = IsHexTraceId(TraceId);
        Found = IsTraceId && (await TraceLookup.GetAsync(spans, Org.Id, TraceId, 1, cancellationToken)).Spans is not null;
        if (!Found)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }

    /// <summary>The ids the traces API looks up: 16 or 32 hex digits (W3C trace context, or a 64-bit legacy id).</summary>
    public static bool IsHexTraceId(string id) =>
        id.Length is 16 or 32 && id.All(char.IsAsciiHexDigit);

    /// <summary>Where "view in Logs" goes: every line of this trace, the last 7 days (the trace's own range is set by the script).
    /// Log lines keep a 64-bit trace id as sent, while its spans are stored widened to 32 digits: both forms are asked for.</summary>
    public string LogsHref => "/logs?query=" + Uri.EscapeDataString(TraceIds.LookupForms(TraceId) is [var canonical, var shortForm]
        ? string.Create(CultureInfo.InvariantCulture, $"{{trace_id=~\"{canonical}|{shortForm}\"}}")
        : string.Create(CultureInfo.InvariantCulture, $"{{trace_id=\"{TraceId.ToLowerInvariant()}\"}}")) + "&range=7d";
}

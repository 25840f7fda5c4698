using System.Globalization;
using AegisGuard.Audit;
using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// The org's audit log (<c>/admin/audit</c>, permission audit.read), newest first: filters by action (or a group such as
/// <c>key.</c>), actor, outcome and time range, 50 entries a page, each entry's details in the JSON viewer. The filters
/// are the query string (a filtered view can be bookmarked and shared) and mean what <c>GET /api/audit</c>'s mean;
/// times are UTC. The chain itself is checked offline with <c>AegisGuard audit verify</c>.
/// </summary>
[Authorize(Policy = Permissions.AuditRead)]
public sealed class AuditModel(MetadataStore store, CurrentOrg currentOrg, TimeProvider time) : PageModel
{
    public const int PageSize = 50;
    private const string InputFormat = "yyyy-MM-dd'T'HH:mm";

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    /// <summary>UTC, as a datetime-local input sends it (<c>2025-10-31T10:00</c>) or RFC 3339.</summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    /// <summary>1-based; from the query only (the route value "page" is the Razor page's name).</summary>
    [BindProperty(SupportsGet = true)]
    [FromQuery(Name = "page")]
    public int PageNumber { get; set; } = 1;

    public Org Org { get; private set; } = null!;

    public AuditPage Result { get; private set; } = new([], 0);

    public DateTimeOffset Now { get; private set; }

    /// <summary>True when any filter is set.</summary>
    public bool Filtered => !string.IsNullOrWhiteSpace(Action) || !string.IsNullOrWhiteSpace(Actor) || !string.IsNullOrWhiteSpace(Outcome) ||
                            !string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(To);

    public int PageCount => (int)Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    public long FirstShown => Result.Entries.Count == 0 ? 0 : (long)(PageNumber - 1) * PageSize + 1;

    public long LastShown => (long)(PageNumber - 1) * PageSize + Result.Entries.Count;

    /// <summary>Quick ranges: (label, from) ending now.</summary>
    public IEnumerable<(string Label, string From)> QuickRanges =>
        new (string, TimeSpan)[] { ("Last hour", TimeSpan.FromHours(1)), ("24 h", TimeSpan.FromDays(1)), ("7 days", TimeSpan.FromDays(7)), ("30 days", TimeSpan.FromDays(30)) }
            .Select(r => (r.Item1, (Now - r.Item2).UtcDateTime.ToString(InputFormat, CultureInfo.InvariantCulture)));

    public void OnGet()
    {
        Org = currentOrg.For(User);
        Now = time.GetUtcNow();
        var from = ParseTime(From, nameof(From));
        var to = ParseTime(To, nameof(To));
        if (from is not null && to is not null && from >= to)
        {
            ModelState.AddModelError(nameof(To), "“To” must be after “from”.");
        }

        if (!string.IsNullOrWhiteSpace(Outcome) && !AuditActions.Outcomes.All.Contains(Outcome))
        {
            ModelState.AddModelError(nameof(Outcome), $"The outcome must be one of {string.Join(", ", AuditActions.Outcomes.All)}.");
        }

        if (PageNumber < 1)
        {
            PageNumber = 1;
        }

        if (!ModelState.IsValid)
        {
            return;
        }

        Result = store.QueryAudit(new AuditQuery
        {
            OrgId = Org.Id,
            Action = string.IsNullOrWhiteSpace(Action) ? null : Action.Trim(),
            Actor = string.IsNullOrWhiteSpace(Actor) ? null : Actor.Trim(),
            Outcome = string.IsNullOrWhiteSpace(Outcome) ? null : Outcome,
            From = from,
            To = to,
            Page = PageNumber,
            PageSize = PageSize,
        });
    }

    /// <summary>This view's address with some query values changed (paging, quick ranges), the other filters kept.</summary>
    public string With(params (string Name, string? Value)[] changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var query = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["action"] = Action,
            ["actor"] = Actor,
            ["outcome"] = Outcome,
            ["from"] = From,
            ["to"] = To,
            ["page"] = PageNumber > 1 ? PageNumber.ToString(CultureInfo.InvariantCulture) : null,
        };
        if (changes.All(c => c.Name != "page"))
        {
            query["page"] = null; // new filters start at the newest entries
        }

        foreach (var (name, value) in changes)
        {
            query[name] = value;
        }

        var pairs = query.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}");
        string text = string.Join('&', pairs);
        return text.Length == 0 ? "/admin/audit" : "/admin/audit?" + text;
    }

    /// <summary>The CSS modifier of an outcome badge.</summary>
    public static string OutcomeClass(string outcome) => outcome switch
    {
        AuditActions.Outcomes.Success => "badge-success",
        AuditActions.Outcomes.Failure => "badge-failure",
        _ => "badge-denied",
    };

    private DateTime? ParseTime(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (DateTime.TryParseExact(text, [InputFormat, InputFormat + ":ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var local))
        {
            return local;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed.UtcDateTime;
        }

        ModelState.AddModelError(field, $"“{field}” must be a time like 2025-10-31T10:00 (UTC).");
        return null;
    }
}

using AegisGuard.Identity;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// API keys of the org (<c>/admin/keys</c>, permission keys.manage). The page is driven by wwwroot/js/pages/keys.js over
/// <c>/api/keys</c>, because a secret is shown exactly once: it comes back in the answer to the create or rotate call and
/// lives only in the page's memory — it is never rendered by the server, kept in a cookie, or re-sent by a reload. The
/// server renders the current list (so the page is not empty before the script runs), the rotation grace period and the
/// signed-ingestion example the script fills in with a new key.
/// </summary>
[Authorize(Policy = Permissions.KeysManage)]
public sealed class ApiKeysModel(ApiKeyService keys, CurrentOrg currentOrg, CliInvocation cli, IOptions<SecurityOptions> security) : PageModel
{
    public Org Org { get; private set; } = null!;

    /// <summary>The keys as <c>GET /api/keys</c> lists them.</summary>
    public IReadOnlyList<ApiKeysApi.ApiKeyInfo> Keys { get; private set; } = [];

    public IngestGuide Guide { get; private set; } = null!;

    /// <summary>How long a rotated key's old secret keeps working, in words.</summary>
    public string Grace => Describe(security.Value.KeyRotationGrace);

    public void OnGet()
    {
        Org = currentOrg.For(User);
        Keys = [.. keys.List(Org.Id).Select(ApiKeysApi.ApiKeyInfo.From)];
        Guide = IngestGuide.For(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }

    public static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? Plural((int)span.TotalDays, "day")
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? Plural((int)span.TotalHours, "hour")
        : span.TotalMinutes >= 1 ? Plural((int)Math.Round(span.TotalMinutes), "minute")
        : Plural((int)Math.Max(1, Math.Round(span.TotalSeconds)), "second");

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}

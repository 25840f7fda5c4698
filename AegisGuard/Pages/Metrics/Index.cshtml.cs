using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Pages.Onboarding;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AegisGuard.Pages.Metrics;

/// <summary>
/// The Metrics explorer (<c>/metrics</c>): PromQL queries charted over a time range, a table of last values and the
/// org's metric catalog. The page renders only the frame; wwwroot/js/pages/metrics.js asks the Prometheus HTTP API
/// (<c>/api/v1/query_range</c>) and the catalog (<c>GET /api/metrics/catalog</c>) with the user's session, and keeps
/// the view (queries, legends, range, step) in the URL so a shared link opens the same view.
/// </summary>
[Authorize(Policy = Permissions.TelemetryRead)]
public sealed class IndexModel(CurrentOrg currentOrg, CliInvocation cli) : PageModel
{
    /// <summary>The metric the empty state's first sample creates (and its read-back queries).</summary>
    public const string FirstMetric = "aegis_first_requests_total";

    public Org Org { get; private set; } = null!;

    public IngestGuide Guide { get; private set; } = null!;

    public void OnGet()
    {
        Org = currentOrg.For(User);
        Guide = MetricsGuide(cli, Org.Slug, $"{Request.Scheme}://{Request.Host}");
    }

    /// <summary>The Logs page's signed-curl guide (same key step), with a first metric sample instead of a log line.</summary>
    public static IngestGuide MetricsGuide(CliInvocation cli, string orgSlug, string baseUrl)
    {
        string url = baseUrl.TrimEnd('/');
        return IngestGuide.For(cli, orgSlug, url) with
        {
            SendBatch =
                $$$"""
                KEY_ID='{{{IngestGuide.KeyIdPlaceholder}}}'   # "id" from step 1
                ORG_SECRET='{{{IngestGuide.SecretPlaceholder}}}'   # "secret" from step 1
                BODY='{"metrics":[{"name":"{{{FirstMetric}}}","type":"counter","value":1,"labels":{"service":"api"}}]}'
                SIGNATURE=$(printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$ORG_SECRET" | awk '{print $2}')
                curl -sS -X POST {{{url}}}/v1/metrics \
                  -H "Content-Type: application/json" \
                  -H "x-org-key: $KEY_ID" \
                  -H "x-signature: sha256=$SIGNATURE" \
                  -d "$BODY"
                # {"accepted":1,"batchId":"…"}
                """,
            ReadBack = $"curl -sS -G {url}/api/v1/query --data-urlencode 'query={FirstMetric}' -H \"Authorization: Bearer $KEY_ID.$ORG_SECRET\"",
        };
    }
}

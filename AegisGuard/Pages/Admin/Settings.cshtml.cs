using System.Globalization;
using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Identity.Network;
using AegisGuard.Orgs;
using AegisGuard.Pages.Components;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using static AegisGuard.Orgs.OrgSettingsApi;

namespace AegisGuard.Pages.Admin;

/// <summary>
/// Org settings (<c>/admin/settings</c>, permission org.settings): IP allowlist, PII mode and opt-in rules, retention, ingestion rate
/// limit, MFA requirement. One form; <see cref="OrgSettingsService"/> validates and saves it exactly as
/// <c>PUT /api/org/settings</c> does (and refuses an allowlist that would lock the caller out), and each refusal is shown
/// next to its field — for the allowlist, next to the line it is about.
/// </summary>
[Authorize(Policy = Permissions.OrgSettings)]
public sealed class SettingsModel(OrgSettingsService settings, ClientIpResolver ips, IOptions<AegisOptions> options) : PageModel
{
    /// <summary>One CIDR range (or single address) per line.</summary>
    [BindProperty]
    public string? IpAllowlist { get; set; }

    [BindProperty]
    public string? PiiMode { get; set; }

    [BindProperty]
    public bool PiiIpAddresses { get; set; }

    [BindProperty]
    public bool PiiPhoneNumbers { get; set; }

    [BindProperty]
    public string? RetentionDays { get; set; }

    [BindProperty]
    public string? IngestRateLimit { get; set; }

    [BindProperty]
    public bool RequireMfa { get; set; }

    public OrgSettings Saved { get; private set; } = null!;

    /// <summary>Errors of single allowlist lines: (line number, the line, reason).</summary>
    public IReadOnlyList<(int Line, string Text, string Reason)> AllowlistLineErrors { get; private set; } = [];

    public string ClientAddress => ips.Resolve(HttpContext).ToString();

    public int ApplianceRateLimit => options.Value.Ingest.DefaultRateLimit;

    /// <summary>The burst an idle org may send at once under the saved limit (see IngestRateLimiter).</summary>
    public int Burst => AegisGuard.Ingest.IngestRateLimiter.Burst(Saved.IngestRateLimit > 0 ? Saved.IngestRateLimit : ApplianceRateLimit, options.Value.Ingest.MinimumBurst);

    /// <summary>The appliance's smallest burst (<c>Ingest:MinimumBurst</c>).</summary>
    public int MinimumBurst => options.Value.Ingest.MinimumBurst;

    public void OnGet()
    {
        Saved = settings.Read(User.GetOrgId());
        IpAllowlist = string.Join('\n', Saved.IpAllowlist);
        PiiMode = Saved.PiiMode;
        PiiIpAddresses = Saved.PiiIpAddresses;
        PiiPhoneNumbers = Saved.PiiPhoneNumbers;
        RetentionDays = Saved.RetentionDays.ToString(CultureInfo.InvariantCulture);
        IngestRateLimit = Saved.IngestRateLimit.ToString(CultureInfo.InvariantCulture);
        RequireMfa = Saved.RequireMfa;
    }

    public IActionResult OnPost()
    {
        int orgId = User.GetOrgId();
        Saved = settings.Read(orgId);
        var lines = (IpAllowlist ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries)
            .Select((text, index) => (Text: text, Line: index + 1))
            .Where(l => l.Text.Length > 0)
            .ToList();
        int? retention = WholeNumber(RetentionDays, nameof(RetentionDays));
        int? rateLimit = WholeNumber(IngestRateLimit, nameof(IngestRateLimit));
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var (saved, errors) = settings.Update(HttpContext, orgId, new OrgSettingsUpdateRequest
        {
            IpAllowlist = [.. lines.Select(l => l.Text)],
            PiiMode = PiiMode,
            PiiIpAddresses = PiiIpAddresses,
            PiiPhoneNumbers = PiiPhoneNumbers,
            RetentionDays = retention,
            IngestRateLimit = rateLimit,
            RequireMfa = RequireMfa,
        });
        if (saved is not null)
        {
            TempData[FlashMessageTagHelper.Success] = "Settings saved. Ingestion and the API apply them now.";
            return LocalRedirect("/admin/settings");
        }

        var lineErrors = new List<(int, string, string)>();
        foreach (var (field, reasons) in errors)
        {
            string reason = string.Join(' ', reasons);
            if (field.StartsWith("ip_allowlist[", StringComparison.Ordinal) &&
                int.TryParse(field["ip_allowlist[".Length..^1], CultureInfo.InvariantCulture, out int index) && index < lines.Count)
            {
                lineErrors.Add((lines[index].Line, lines[index].Text, reason));
                continue;
            }

            (string key, string label) = field switch
            {
                "ip_allowlist" => (nameof(IpAllowlist), "The allowlist"),
                "pii_mode" => (nameof(PiiMode), "PII mode"),
                "retention_days" => (nameof(RetentionDays), "Retention"),
                "ingest_rate_limit" => (nameof(IngestRateLimit), "The rate limit"),
                _ => (string.Empty, field),
            };
            ModelState.AddModelError(key, $"{label} {reason}.");
        }

        if (lineErrors.Count > 0)
        {
            AllowlistLineErrors = lineErrors;
            ModelState.AddModelError(nameof(IpAllowlist), lineErrors.Count == 1
                ? "One line is not a valid address or CIDR range."
                : $"{lineErrors.Count} lines are not valid addresses or CIDR ranges.");
        }

        return Page();
    }

    private int? WholeNumber(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            ModelState.AddModelError(field, "Enter a whole number.");
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        ModelState.AddModelError(field, $"“{text.Trim()}” is not a whole number.");
        return null;
    }
}

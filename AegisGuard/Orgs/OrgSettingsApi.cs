using System.Security.Claims;
using System.Text.Json.Serialization;
using AegisGuard.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AegisGuard.Orgs;

/// <summary>
/// GET/PUT /api/org/settings for the caller's org (permission org.settings): IP allowlist, PII mode and opt-in rules, retention,
/// ingestion rate limit, MFA requirement. The rules live in <see cref="OrgSettingsService"/>, shared with the page.
/// </summary>
public static class OrgSettingsApi
{
    public static IEndpointRouteBuilder MapOrgSettingsApi(this IEndpointRouteBuilder routes)
    {
        var settings = routes.MapGroup("/api/org/settings").WithTags("Org settings").RequireAuthorization(Permissions.OrgSettings).DisableAntiforgery();
        settings.MapGet("/", Get)
            .WithSummary("The caller's org settings")
            .Produces<OrgSettings>();
        settings.MapPut("/", Put)
            .WithSummary("Change org settings (only the fields sent)")
            .WithDescription("ip_allowlist: CIDR ranges, IPv4 or IPv6 (empty list = every address); applies to ingestion and to every API " +
                             "and page request of the org (403 outside it). It must include your own address, so you cannot lock yourself out. " +
                             "pii_mode: redact | hash. pii_ip_addresses, pii_phone_numbers: opt-in PII rules (true/false; off by default). retention_days: 1–3650. ingest_rate_limit: events/s, 0 = appliance default. " +
                             "require_mfa: members without MFA must enrol before anything else.")
            .Produces<OrgSettings>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    private static Ok<OrgSettings> Get(ClaimsPrincipal user, OrgSettingsService settings) => TypedResults.Ok(settings.Read(user.GetOrgId()));

    private static IResult Put(HttpContext http, OrgSettingsUpdateRequest? body, OrgSettingsService settings)
    {
        if (body is null)
        {
            return IdentityProblems.Invalid("body", "must be a JSON object with the settings to change");
        }

        var (saved, errors) = settings.Update(http, http.User.GetOrgId(), body);
        return saved is null ? IdentityProblems.Invalid(errors) : TypedResults.Ok(saved);
    }

    /// <summary>PUT /api/org/settings: every field optional; absent = unchanged.</summary>
    public sealed record OrgSettingsUpdateRequest
    {
        [JsonPropertyName("ip_allowlist")]
        public IReadOnlyList<string>? IpAllowlist { get; init; }

        [JsonPropertyName("pii_mode")]
        public string? PiiMode { get; init; }

        [JsonPropertyName("pii_ip_addresses")]
        public bool? PiiIpAddresses { get; init; }

        [JsonPropertyName("pii_phone_numbers")]
        public bool? PiiPhoneNumbers { get; init; }

        [JsonPropertyName("retention_days")]
        public int? RetentionDays { get; init; }

        [JsonPropertyName("ingest_rate_limit")]
        public int? IngestRateLimit { get; init; }

        [JsonPropertyName("require_mfa")]
        public bool? RequireMfa { get; init; }
    }

    /// <summary>An org's settings.</summary>
    public sealed record OrgSettings
    {
        [JsonPropertyName("org")]
        public required string Org { get; init; }

        [JsonPropertyName("name")]
        public required string Name { get; init; }

        [JsonPropertyName("ip_allowlist")]
        public required IReadOnlyList<string> IpAllowlist { get; init; }

        [JsonPropertyName("pii_mode")]
        public required string PiiMode { get; init; }

        /// <summary>True when IPv4/IPv6 addresses are scrubbed (opt-in).</summary>
        [JsonPropertyName("pii_ip_addresses")]
        public required bool PiiIpAddresses { get; init; }

        /// <summary>True when phone numbers are scrubbed (opt-in).</summary>
        [JsonPropertyName("pii_phone_numbers")]
        public required bool PiiPhoneNumbers { get; init; }

        [JsonPropertyName("retention_days")]
        public required int RetentionDays { get; init; }

        [JsonPropertyName("ingest_rate_limit")]
        public required int IngestRateLimit { get; init; }

        [JsonPropertyName("require_mfa")]
        public required bool RequireMfa { get; init; }
    }
}

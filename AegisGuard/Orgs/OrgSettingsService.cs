using AegisGuard.Audit;
using AegisGuard.Identity.Network;
using AegisGuard.Storage.Metadata;
using static AegisGuard.Orgs.OrgSettingsApi;

namespace AegisGuard.Orgs;

/// <summary>
/// Reads and changes an org's settings for the API and the settings page alike. An update changes only the fields
/// it names, validates each (naming the field, e.g. <c>ip_allowlist[2]</c>), refuses an allowlist that would
/// lock the caller out, writes everything in one statement, audits old → new values and invalidates the org
/// cache so ingestion and the API apply it at once.
/// </summary>
public sealed class OrgSettingsService(MetadataStore store, OrgDirectory orgs, ClientIpResolver ips, AuditLog audit)
{
    public const int MaxAllowlistEntries = 200;

    public OrgSettings Read(int orgId)
    {
        var org = store.FindOrg(orgId) ?? throw new InvalidOperationException($"org {orgId} of the principal does not exist");
        var security = store.FindOrgSecurity(orgId)!;
        var piiRules = store.FindOrgPiiRules(orgId)!;
        return new OrgSettings
        {
            Org = org.Slug,
            Name = org.Name,
            IpAllowlist = security.IpAllowlist,
            PiiMode = org.PiiMode,
            PiiIpAddresses = piiRules.IpAddresses,
            PiiPhoneNumbers = piiRules.PhoneNumbers,
            RetentionDays = org.RetentionDays,
            IngestRateLimit = org.IngestRateLimit,
            RequireMfa = security.RequireMfa,
        };
    }

    /// <summary>The saved settings, or null with the errors by field.</summary>
    public (OrgSettings? Saved, Dictionary<string, string[]> Errors) Update(HttpContext http, int orgId, OrgSettingsUpdateRequest body)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var current = Read(orgId);
        var errors = new Dictionary<string, string[]>();
        var ranges = new List<CidrRange>();
        if (body.IpAllowlist is { } list)
        {
            if (list.Count > MaxAllowlistEntries)
            {
                errors["ip_allowlist"] = [$"may hold at most {MaxAllowlistEntries} ranges"];
            }

            for (int i = 0; i < list.Count && i < MaxAllowlistEntries; i++)
            {
                if (CidrRange.TryParse(list[i], out var range, out string error))
                {
                    ranges.Add(range);
                }
                else
                {
                    errors[$"ip_allowlist[{i}]"] = [error];
                }
            }

            var caller = ips.Resolve(http);
            if (errors.Count == 0 && ranges.Count > 0 && !new IpAllowlist(ranges).Allows(caller))
            {
                errors["ip_allowlist"] = [$"does not include your own address {caller}; saving it would lock you out"];
            }
        }

        string? piiMode = body.PiiMode?.Trim().ToLowerInvariant();
        if (piiMode is not null and not ("redact" or "hash"))
        {
            errors["pii_mode"] = ["must be redact or hash"];
        }

        if (body.RetentionDays is < 1 or > 3650)
        {
            errors["retention_days"] = ["must be from 1 to 3650"];
        }

        if (body.IngestRateLimit is < 0)
        {
            errors["ingest_rate_limit"] = ["must be 0 (the appliance default) or a positive number of events per second"];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var next = current with
        {
            IpAllowlist = body.IpAllowlist is null ? current.IpAllowlist : [.. ranges.Select(r => r.ToString()).Distinct()],
            PiiMode = piiMode ?? current.PiiMode,
            PiiIpAddresses = body.PiiIpAddresses ?? current.PiiIpAddresses,
            PiiPhoneNumbers = body.PiiPhoneNumbers ?? current.PiiPhoneNumbers,
            RetentionDays = body.RetentionDays ?? current.RetentionDays,
            IngestRateLimit = body.IngestRateLimit ?? current.IngestRateLimit,
            RequireMfa = body.RequireMfa ?? current.RequireMfa,
        };

        var changes = new Dictionary<string, object>();
        if (!next.IpAllowlist.SequenceEqual(current.IpAllowlist))
        {
            changes["ip_allowlist"] = new { from = current.IpAllowlist, to = next.IpAllowlist };
        }

        Note(changes, "pii_mode", current.PiiMode, next.PiiMode);
        Note(changes, "pii_ip_addresses", current.PiiIpAddresses, next.PiiIpAddresses);
        Note(changes, "pii_phone_numbers", current.PiiPhoneNumbers, next.PiiPhoneNumbers);
        Note(changes, "retention_days", current.RetentionDays, next.RetentionDays);
        Note(changes, "ingest_rate_limit", current.IngestRateLimit, next.IngestRateLimit);
        Note(changes, "require_mfa", current.RequireMfa, next.RequireMfa);
        if (changes.Count > 0)
        {
            store.UpdateOrgSettings(orgId, new OrgSettingsUpdate
            {
                PiiMode = next.PiiMode,
                IngestRateLimit = next.IngestRateLimit,
                RetentionDays = next.RetentionDays,
                IpAllowlist = next.IpAllowlist,
                RequireMfa = next.RequireMfa,
            });
            store.UpdateOrgPiiRules(orgId, new OrgPiiRules { IpAddresses = next.PiiIpAddresses, PhoneNumbers = next.PiiPhoneNumbers });
            orgs.Invalidate(orgId);
            audit.Record(http, AuditActions.SettingsChanged, AuditActions.Outcomes.Success, orgId, current.Org, changes);
        }

        return (next, errors);
    }

    private static void Note<T>(Dictionary<string, object> changes, string field, T before, T after)
    {
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            changes[field] = new { from = before, to = after };
        }
    }
}

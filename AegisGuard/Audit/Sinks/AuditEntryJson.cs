using System.Globalization;
using System.Text.Json;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>An audit entry as JSON for receivers: the fields of GET /api/audit plus org_id and prev_hash, so a receiver can check the chain.</summary>
public static class AuditEntryJson
{
    public static void Write(Utf8JsonWriter json, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(entry);
        json.WriteStartObject();
        json.WriteNumber("seq", entry.Seq);
        json.WriteString("at", entry.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        json.WriteString("actor", entry.Actor);
        if (entry.OrgId is int org)
        {
            json.WriteNumber("org_id", org);
        }
        else
        {
            json.WriteNull("org_id");
        }

        json.WriteString("action", entry.Action);
        json.WriteString("target", entry.Target);
        json.WriteString("ip", entry.Ip);
        json.WriteString("user_agent", entry.UserAgent);
        json.WriteString("outcome", entry.Outcome);
        json.WritePropertyName("details");
        try
        {
            using var details = JsonDocument.Parse(entry.Details);
            details.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteStringValue(entry.Details); // edited outside the appliance: ship it as it is, the hash shows it
        }

        json.WriteString("prev_hash", entry.PrevHash);
        json.WriteString("hash", entry.Hash);
        json.WriteEndObject();
    }
}

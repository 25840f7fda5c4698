namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>The org's IP allowlist and MFA requirement, or null when there is no such org.</summary>
    public OrgSecurity? FindOrgSecurity(int orgId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT ip_allowlist, require_mfa FROM orgs WHERE id = $id";
        command.Parameters.AddWithValue("$id", orgId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new OrgSecurity
        {
            IpAllowlist = reader.GetString(0).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            RequireMfa = reader.GetInt64(1) != 0,
        };
    }

    /// <summary>Writes every setting of the org in one statement.</summary>
    public void UpdateOrgSettings(int orgId, OrgSettingsUpdate settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE orgs SET pii_mode = $mode, ingest_rate_limit = $limit, retention_days = $days, ip_allowlist = $allow, require_mfa = $mfa
            WHERE id = $id
            """;
        command.Parameters.AddWithValue("$mode", settings.PiiMode);
        command.Parameters.AddWithValue("$limit", settings.IngestRateLimit);
        command.Parameters.AddWithValue("$days", settings.RetentionDays);
        command.Parameters.AddWithValue("$allow", string.Join(',', settings.IpAllowlist));
        command.Parameters.AddWithValue("$mfa", settings.RequireMfa ? 1 : 0);
        command.Parameters.AddWithValue("$id", orgId);
        command.ExecuteNonQuery();
    }
}

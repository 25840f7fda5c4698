namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>The org's opt-in PII rules, or null when there is no such org.</summary>
    public OrgPiiRules? FindOrgPiiRules(int orgId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT pii_ip_addresses, pii_phone_numbers FROM orgs WHERE id = $id";
        command.Parameters.AddWithValue("$id", orgId);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new OrgPiiRules { IpAddresses = reader.GetInt64(0) != 0, PhoneNumbers = reader.GetInt64(1) != 0 };
    }

    /// <summary>Switches the org's opt-in PII rules.</summary>
    public void UpdateOrgPiiRules(int orgId, OrgPiiRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE orgs SET pii_ip_addresses = $ip, pii_phone_numbers = $phone WHERE id = $id";
        command.Parameters.AddWithValue("$ip", rules.IpAddresses ? 1 : 0);
        command.Parameters.AddWithValue("$phone", rules.PhoneNumbers ? 1 : 0);
        command.Parameters.AddWithValue("$id", orgId);
        command.ExecuteNonQuery();
    }
}

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>True when the user is an instance administrator (runs the appliance, apart from any org role).</summary>
    public bool IsInstanceAdmin(long userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT instance_admin FROM users WHERE id = $id";
        command.Parameters.AddWithValue("$id", userId);
        return command.ExecuteScalar() is long flag && flag != 0;
    }

    /// <summary>Grants or revokes the instance administrator flag; false when there is no such user.</summary>
    public bool SetInstanceAdmin(long userId, bool instanceAdmin)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET instance_admin = $flag WHERE id = $id";
        command.Parameters.AddWithValue("$flag", instanceAdmin ? 1 : 0);
        command.Parameters.AddWithValue("$id", userId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>The e-mails of the instance administrators, sorted.</summary>
    public IReadOnlyList<string> ListInstanceAdmins()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT email FROM users WHERE instance_admin = 1 ORDER BY email";
        using var reader = command.ExecuteReader();
        var emails = new List<string>();
        while (reader.Read())
        {
            emails.Add(reader.GetString(0));
        }

        return emails;
    }

    /// <summary>How many members each org has, by org id (orgs without members are absent).</summary>
    public IReadOnlyDictionary<int, int> CountMembersByOrg()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT org_id, count(*) FROM memberships GROUP BY org_id";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<int, int>();
        while (reader.Read())
        {
            counts[reader.GetInt32(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }
}

using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    private const string KeyColumns = "id, org_id, name, scopes, secret_protected, created_at, created_by, revoked_at, last_used_at, previous_secret, previous_expires_at";

    /// <summary>Stores a new key.</summary>
    public void InsertApiKey(ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO api_keys (id, org_id, name, scopes, secret_protected, created_at, created_by)
            VALUES ($id, $org, $name, $scopes, $secret, $created, $by)
            """;
        command.Parameters.AddWithValue("$id", key.Id);
        command.Parameters.AddWithValue("$org", key.OrgId);
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$scopes", string.Join(',', key.Scopes));
        command.Parameters.AddWithValue("$secret", key.SecretProtected);
        command.Parameters.AddWithValue("$created", ToMillis(key.CreatedAt));
        command.Parameters.AddWithValue("$by", (object?)key.CreatedBy ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>The key with this id (active or revoked), or null.</summary>
    public ApiKeyRow? FindApiKey(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadKey(reader) : null;
    }

    /// <summary>The keys of one org, newest first.</summary>
    public IReadOnlyList<ApiKeyRow> ListApiKeys(int orgId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE org_id = $org ORDER BY created_at DESC, id";
        command.Parameters.AddWithValue("$org", orgId);
        using var reader = command.ExecuteReader();
        var keys = new List<ApiKeyRow>();
        while (reader.Read())
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    /// <summary>
    /// Records a use of the key. Best effort: the stamp is advisory, and on a full disk it must not fail the request it
    /// stamps (reads have to keep working when nothing can be written); the next use writes it.
    /// Returns false when the disk refused the write.
    /// </summary>
    public bool TouchApiKey(string id, DateTime usedAt)
    {
        try
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), $at) WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$at", ToMillis(usedAt));
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqliteFull or SqliteIoError)
        {
            return false;
        }
    }

    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;

    /// <summary>Revokes the key of <paramref name="orgId"/>; false when no such active key exists.</summary>
    public bool RevokeApiKey(int orgId, string id, DateTime revokedAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $at WHERE id = $id AND org_id = $org AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$at", ToMillis(revokedAt));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Replaces the secret, keeping the old one valid until <paramref name="previousExpiresAt"/>.</summary>
    public bool RotateApiKey(int orgId, string id, string newSecretProtected, DateTime previousExpiresAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE api_keys SET previous_secret = secret_protected, previous_expires_at = $expires, secret_protected = $secret
            WHERE id = $id AND org_id = $org AND revoked_at IS NULL
            """;
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$secret", newSecretProtected);
        command.Parameters.AddWithValue("$expires", ToMillis(previousExpiresAt));
        return command.ExecuteNonQuery() == 1;
    }

    private static ApiKeyRow ReadKey(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        OrgId = reader.GetInt32(1),
        Name = reader.GetString(2),
        Scopes = reader.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
        SecretProtected = reader.GetString(4),
        CreatedAt = FromMillis(reader.GetInt64(5)),
        CreatedBy = StringOrNull(reader, 6),
        RevokedAt = FromMillis(reader, 7),
        LastUsedAt = FromMillis(reader, 8),
        PreviousSecretProtected = StringOrNull(reader, 9),
        PreviousExpiresAt = FromMillis(reader, 10),
    };
}

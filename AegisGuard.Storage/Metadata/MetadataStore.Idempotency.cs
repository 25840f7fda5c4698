namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>The record stored under (<paramref name="orgId"/>, <paramref name="key"/>) since <paramref name="notBefore"/>, or null.</summary>
    public IdempotencyRecord? FindIdempotency(int orgId, string key, DateTime notBefore)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT signal, body_sha256, batch_id, accepted, created_at FROM idempotency
            WHERE org_id = $org AND key = $key AND created_at >= $since
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$since", ToMillis(notBefore));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new IdempotencyRecord
        {
            OrgId = orgId,
            Key = key,
            Signal = reader.GetString(0),
            BodySha256 = reader.GetString(1),
            BatchId = reader.GetString(2),
            Accepted = reader.GetInt32(3),
            CreatedAt = FromMillis(reader.GetInt64(4)),
        };
    }

    /// <summary>Remembers an accepted batch (replacing an expired record under the same key).</summary>
    public void SaveIdempotency(IdempotencyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO idempotency (org_id, key, signal, body_sha256, batch_id, accepted, created_at)
            VALUES ($org, $key, $signal, $sha, $batch, $accepted, $created)
            """;
        command.Parameters.AddWithValue("$org", record.OrgId);
        command.Parameters.AddWithValue("$key", record.Key);
        command.Parameters.AddWithValue("$signal", record.Signal);
        command.Parameters.AddWithValue("$sha", record.BodySha256);
        command.Parameters.AddWithValue("$batch", record.BatchId);
        command.Parameters.AddWithValue("$accepted", record.Accepted);
        command.Parameters.AddWithValue("$created", ToMillis(record.CreatedAt));
        command.ExecuteNonQuery();
    }

    /// <summary>Deletes records older than <paramref name="before"/>; returns how many.</summary>
    public int PurgeIdempotency(DateTime before)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM idempotency WHERE created_at < $before";
        command.Parameters.AddWithValue("$before", ToMillis(before));
        return command.ExecuteNonQuery();
    }
}

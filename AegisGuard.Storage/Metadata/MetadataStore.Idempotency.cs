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

    /// <summary>Remembers several accepted batches in one transaction (a flush's worth).</summary>
    public void SaveIdempotency(IReadOnlyList<IdempotencyRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO idempotency (org_id, key, signal, body_sha256, batch_id, accepted, created_at)
            VALUES ($org, $key, $signal, $sha, $batch, $accepted, $created)
            """;
        var org = command.Parameters.Add("$org", Microsoft.Data.Sqlite.SqliteType.Integer);
        var key = command.Parameters.Add("$key", Microsoft.Data.Sqlite.SqliteType.Text);
        var signal = command.Parameters.Add("$signal", Microsoft.Data.Sqlite.SqliteType.Text);
        var sha = command.Parameters.Add("$sha", Microsoft.Data.Sqlite.SqliteType.Text);
        var batch = command.Parameters.Add("$batch", Microsoft.Data.Sqlite.SqliteType.Text);
        var accepted = command.Parameters.Add("$accepted", Microsoft.Data.Sqlite.SqliteType.Integer);
        var created = command.Parameters.Add("$created", Microsoft.Data.Sqlite.SqliteType.Integer);
        foreach (var record in records)
        {
            org.Value = record.OrgId;
            key.Value = record.Key;
            signal.Value = record.Signal;
            sha.Value = record.BodySha256;
            batch.Value = record.BatchId;
            accepted.Value = record.Accepted;
            created.Value = ToMillis(record.CreatedAt);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
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

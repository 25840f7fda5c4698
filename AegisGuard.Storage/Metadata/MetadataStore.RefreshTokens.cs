using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>Stores a new refresh token.</summary>
    public void InsertRefreshToken(RefreshTokenRow token)
    {
        ArgumentNullException.ThrowIfNull(token);
        using var connection = Open();
        InsertRefreshToken(connection, null, token);
    }

    /// <summary>The token with this hash, or null.</summary>
    public RefreshTokenRow? FindRefreshToken(string tokenHash)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT token_hash, family_id, user_id, org_id, created_at, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $hash";
        command.Parameters.AddWithValue("$hash", tokenHash);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRefreshToken(reader) : null;
    }

    /// <summary>
    /// Exchanges an unused, unrevoked token for <paramref name="next"/> atomically: true when this call marked
    /// it used, false when it was already used or revoked (the caller then treats it as reuse).
    /// </summary>
    public bool RotateRefreshToken(string tokenHash, RefreshTokenRow next, DateTime usedAt)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var mark = connection.CreateCommand())
        {
            mark.Transaction = transaction;
            mark.CommandText = "UPDATE refresh_tokens SET used_at = $at WHERE token_hash = $hash AND used_at IS NULL AND revoked_at IS NULL";
            mark.Parameters.AddWithValue("$at", ToMillis(usedAt));
            mark.Parameters.AddWithValue("$hash", tokenHash);
            if (mark.ExecuteNonQuery() != 1)
            {
                return false;
            }
        }

        InsertRefreshToken(connection, transaction, next);

        transaction.Commit();
        return true;
    }

    /// <summary>Revokes every token of the family; returns how many were still unrevoked.</summary>
    public int RevokeRefreshFamily(string familyId, DateTime revokedAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE refresh_tokens SET revoked_at = $at WHERE family_id = $family AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$at", ToMillis(revokedAt));
        command.Parameters.AddWithValue("$family", familyId);
        return command.ExecuteNonQuery();
    }

    /// <summary>Revokes every session of the user except the family <paramref name="keepFamilyId"/>.</summary>
    public int RevokeRefreshTokensOfUser(long userId, string? keepFamilyId, DateTime revokedAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE refresh_tokens SET revoked_at = $at WHERE user_id = $user AND revoked_at IS NULL AND family_id <> $keep";
        command.Parameters.AddWithValue("$at", ToMillis(revokedAt));
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$keep", keepFamilyId ?? string.Empty);
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// The role its user holds now in its org, when the session family <paramref name="familyId"/> is still active
    /// (not revoked, and the membership exists); otherwise null. Checked on every session request, so logout,
    /// refresh reuse, removal and role changes take effect at once.
    /// </summary>
    public string? ActiveSessionRole(string familyId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT m.role FROM refresh_tokens t JOIN memberships m ON m.user_id = t.user_id AND m.org_id = t.org_id
            WHERE t.family_id = $family AND t.revoked_at IS NULL LIMIT 1
            """;
        command.Parameters.AddWithValue("$family", familyId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Deletes tokens that expired before <paramref name="before"/>; returns how many.</summary>
    public int PurgeRefreshTokens(DateTime before)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM refresh_tokens WHERE expires_at < $before";
        command.Parameters.AddWithValue("$before", ToMillis(before));
        return command.ExecuteNonQuery();
    }

    private static RefreshTokenRow ReadRefreshToken(SqliteDataReader reader) => new()
    {
        TokenHash = reader.GetString(0),
        FamilyId = reader.GetString(1),
        UserId = reader.GetInt64(2),
        OrgId = reader.GetInt32(3),
        CreatedAt = FromMillis(reader.GetInt64(4)),
        ExpiresAt = FromMillis(reader.GetInt64(5)),
        UsedAt = FromMillis(reader, 6),
        RevokedAt = FromMillis(reader, 7),
    };

    internal static void InsertRefreshToken(SqliteConnection connection, SqliteTransaction? transaction, RefreshTokenRow token)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO refresh_tokens (token_hash, family_id, user_id, org_id, created_at, expires_at, ip, user_agent, parent_hash)
            VALUES ($hash, $family, $user, $org, $created, $expires, $ip, $agent, $parent)
            """;
        command.Parameters.AddWithValue("$hash", token.TokenHash);
        command.Parameters.AddWithValue("$family", token.FamilyId);
        command.Parameters.AddWithValue("$user", token.UserId);
        command.Parameters.AddWithValue("$org", token.OrgId);
        command.Parameters.AddWithValue("$created", ToMillis(token.CreatedAt));
        command.Parameters.AddWithValue("$expires", ToMillis(token.ExpiresAt));
        command.Parameters.AddWithValue("$ip", (object?)token.Ip ?? DBNull.Value);
        command.Parameters.AddWithValue("$agent", (object?)token.UserAgent ?? DBNull.Value);
        command.Parameters.AddWithValue("$parent", (object?)token.ParentHash ?? DBNull.Value);
        command.ExecuteNonQuery();
    }
}

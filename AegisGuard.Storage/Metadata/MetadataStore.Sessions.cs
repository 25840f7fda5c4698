namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>
    /// The user's sessions that can still refresh (a live token: unused, unrevoked, unexpired), newest first. A
    /// session's address and user agent are those of its newest live token, so they follow the browser.
    /// </summary>
    public IReadOnlyList<SessionRow> ListActiveSessions(long userId, DateTime now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        // With exactly one MAX() aggregate, SQLite takes the bare columns from the row holding the maximum.
        command.CommandText = """
            SELECT t.family_id, t.org_id, MAX(t.created_at), t.ip, t.user_agent,
                   (SELECT MIN(s.created_at) FROM refresh_tokens s WHERE s.family_id = t.family_id)
            FROM refresh_tokens t
            WHERE t.user_id = $user AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > $now
            GROUP BY t.family_id
            ORDER BY 3 DESC
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        using var reader = command.ExecuteReader();
        var sessions = new List<SessionRow>();
        while (reader.Read())
        {
            sessions.Add(new SessionRow
            {
                FamilyId = reader.GetString(0),
                OrgId = reader.GetInt32(1),
                LastUsedAt = FromMillis(reader.GetInt64(2)),
                Ip = StringOrNull(reader, 3),
                UserAgent = StringOrNull(reader, 4),
                StartedAt = FromMillis(reader.GetInt64(5)),
            });
        }

        return sessions;
    }

    /// <summary>
    /// Revokes the family <paramref name="familyId"/> only when it belongs to <paramref name="userId"/> (a user cannot
    /// end someone else's session by guessing its id). True when a live token was revoked.
    /// </summary>
    public bool RevokeSessionOfUser(long userId, string familyId, DateTime revokedAt)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE refresh_tokens SET revoked_at = $at WHERE family_id = $family AND user_id = $user AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$at", ToMillis(revokedAt));
        command.Parameters.AddWithValue("$family", familyId);
        command.Parameters.AddWithValue("$user", userId);
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// The reuse interval of refresh rotation: issues <paramref name="next"/> for a token that was already exchanged,
    /// atomically, only while it is the family's most recent rotation (none of the tokens issued for it was exchanged yet),
    /// it was exchanged at or after <paramref name="usedSince"/>, and the family is not revoked. Two tabs refreshing
    /// with the same cookie then both get a session; an older token, or the same one later, gets false (reuse).
    /// </summary>
    public bool ReissueWithinReuseInterval(string tokenHash, RefreshTokenRow next, DateTime usedSince)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var check = connection.CreateCommand())
        {
            check.Transaction = transaction;
            check.CommandText = """
                SELECT COUNT(*) FROM refresh_tokens t
                WHERE t.token_hash = $hash AND t.used_at IS NOT NULL AND t.used_at >= $since AND t.revoked_at IS NULL
                  AND t.family_id = $family
                  AND NOT EXISTS (SELECT 1 FROM refresh_tokens c WHERE c.family_id = t.family_id AND c.parent_hash = t.token_hash AND c.used_at IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = t.family_id AND r.revoked_at IS NOT NULL)
                """;
            check.Parameters.AddWithValue("$hash", tokenHash);
            check.Parameters.AddWithValue("$since", ToMillis(usedSince));
            check.Parameters.AddWithValue("$family", next.FamilyId);
            if ((long)check.ExecuteScalar()! != 1)
            {
                return false;
            }
        }

        InsertRefreshToken(connection, transaction, next);
        transaction.Commit();
        return true;
    }
}

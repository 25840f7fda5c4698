namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>When the block of <paramref name="address"/> for <paramref name="email"/> ends, or null when it has none.</summary>
    public DateTime? LoginPairBlockedUntil(string email, string address)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT blocked_until FROM login_pair_failures WHERE email = $email AND address = $address";
        command.Parameters.AddWithValue("$email", email);
        command.Parameters.AddWithValue("$address", address);
        return command.ExecuteScalar() is long until ? FromMillis(until) : null;
    }

    /// <summary>
    /// Counts one failed sign-in of <paramref name="email"/> from <paramref name="address"/>, atomically, with the same
    /// rules as <see cref="RecordLoginFailure"/>: an ended block or a failure older than <paramref name="blockFor"/> starts
    /// the count again; reaching <paramref name="threshold"/> blocks the pair until <paramref name="now"/> + <paramref name="blockFor"/>.
    /// </summary>
    public LoginFailureCount RecordLoginPairFailure(string email, string address, DateTime now, int threshold, TimeSpan blockFor)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO login_pair_failures (email, address, failures, last_failure, blocked_until) VALUES ($email, $address, 1, $now, NULL)
            ON CONFLICT (email, address) DO UPDATE SET
                failures = CASE WHEN blocked_until <= $now OR (blocked_until IS NULL AND last_failure < $stale) THEN 1 ELSE failures + 1 END,
                blocked_until = CASE WHEN blocked_until <= $now THEN NULL ELSE blocked_until END,
                last_failure = $now;
            UPDATE login_pair_failures SET blocked_until = $until
            WHERE email = $email AND address = $address AND blocked_until IS NULL AND failures >= $threshold;
            SELECT failures, blocked_until FROM login_pair_failures WHERE email = $email AND address = $address;
            """;
        command.Parameters.AddWithValue("$email", email);
        command.Parameters.AddWithValue("$address", address);
        return CountFailure(command, transaction, now, threshold, blockFor);
    }

    /// <summary>
    /// A successful sign-in from <paramref name="address"/> forgets that address's failures for the e-mail, but not a
    /// running block: a known device signing in from behind the same NAT as the guesser must not lift it for the guesser.
    /// </summary>
    public void ClearLoginPairFailures(string email, string address, DateTime now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_pair_failures WHERE email = $email AND address = $address AND (blocked_until IS NULL OR blocked_until <= $now)";
        command.Parameters.AddWithValue("$email", email);
        command.Parameters.AddWithValue("$address", address);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A successful sign-in forgets the account-wide count, but not a running lock: the lock exists because someone
    /// else is guessing, and one good sign-in from a known device does not make that stop.
    /// </summary>
    public void ClearUnlockedLoginFailures(string email, DateTime now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_failures WHERE email = $email AND (locked_until IS NULL OR locked_until <= $now)";
        command.Parameters.AddWithValue("$email", email);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.ExecuteNonQuery();
    }

    /// <summary>The admin unlock: forgets every failure, lock and address block of <paramref name="email"/>. Returns the rows removed.</summary>
    public int ClearLoginBlocks(string email)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM login_failures WHERE email = $email; DELETE FROM login_pair_failures WHERE email = $email;";
        command.Parameters.AddWithValue("$email", email);
        int removed = command.ExecuteNonQuery();
        transaction.Commit();
        return removed;
    }

    /// <summary>Forgets pair failures older than <paramref name="before"/> that hold no running block. Returns the rows removed.</summary>
    public int PurgeLoginPairFailures(DateTime before)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_pair_failures WHERE last_failure < $before AND (blocked_until IS NULL OR blocked_until < $before)";
        command.Parameters.AddWithValue("$before", ToMillis(before));
        return command.ExecuteNonQuery();
    }

    /// <summary>The members of <paramref name="orgId"/> whose sign-in is locked or throttled at <paramref name="now"/>.</summary>
    public IReadOnlyList<LoginBlock> ListLoginBlocks(int orgId, DateTime now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT u.id, u.email,
                   (SELECT f.locked_until FROM login_failures f WHERE f.email = u.email AND f.locked_until > $now),
                   (SELECT COUNT(*) FROM login_pair_failures p WHERE p.email = u.email AND p.blocked_until > $now),
                   (SELECT MAX(p.blocked_until) FROM login_pair_failures p WHERE p.email = u.email AND p.blocked_until > $now),
                   COALESCE((SELECT f.failures FROM login_failures f WHERE f.email = u.email), 0)
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.org_id = $org
            ORDER BY u.email
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        using var reader = command.ExecuteReader();
        var blocks = new List<LoginBlock>();
        while (reader.Read())
        {
            var block = new LoginBlock(reader.GetInt64(0), reader.GetString(1), FromMillis(reader, 2), reader.GetInt32(3), FromMillis(reader, 4), reader.GetInt32(5));
            if (block.AccountLockedUntil is not null || block.BlockedAddresses > 0)
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }
}

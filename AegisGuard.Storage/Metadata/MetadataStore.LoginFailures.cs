using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>When the lock of <paramref name="email"/> ends, or null when it has none.</summary>
    public DateTime? LoginLockedUntil(string email)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT locked_until FROM login_failures WHERE email = $email";
        command.Parameters.AddWithValue("$email", email);
        return command.ExecuteScalar() is long until ? FromMillis(until) : null;
    }

    /// <summary>
    /// Counts one failed sign-in of <paramref name="email"/> at <paramref name="now"/>, atomically: a lock that has
    /// ended, or a previous failure longer than <paramref name="lockFor"/> ago, starts the count again; reaching
    /// <paramref name="threshold"/> failures locks until <paramref name="now"/> + <paramref name="lockFor"/>.
    /// </summary>
    public LoginFailureCount RecordLoginFailure(string email, DateTime now, int threshold, TimeSpan lockFor)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO login_failures (email, failures, last_failure, locked_until) VALUES ($email, 1, $now, NULL)
            ON CONFLICT (email) DO UPDATE SET
                failures = CASE WHEN locked_until <= $now OR (locked_until IS NULL AND last_failure < $stale) THEN 1 ELSE failures + 1 END,
                locked_until = CASE WHEN locked_until <= $now THEN NULL ELSE locked_until END,
                last_failure = $now;
            UPDATE login_failures SET locked_until = $until WHERE email = $email AND locked_until IS NULL AND failures >= $threshold;
            SELECT failures, locked_until FROM login_failures WHERE email = $email;
            """;
        command.Parameters.AddWithValue("$email", email);
        return CountFailure(command, transaction, now, threshold, lockFor);
    }

    // Both failure counters (per account, per address and account) bind the same window and read back the same answer.
    private static LoginFailureCount CountFailure(SqliteCommand command, SqliteTransaction transaction, DateTime now, int threshold, TimeSpan window)
    {
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.Parameters.AddWithValue("$until", ToMillis(now + window));
        command.Parameters.AddWithValue("$stale", ToMillis(now - window));
        command.Parameters.AddWithValue("$threshold", threshold);
        LoginFailureCount count;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            count = new LoginFailureCount(reader.GetInt32(0), FromMillis(reader, 1));
        }

        transaction.Commit();
        return count;
    }

    /// <summary>A successful sign-in forgets the e-mail's failures.</summary>
    public void ClearLoginFailures(string email)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_failures WHERE email = $email";
        command.Parameters.AddWithValue("$email", email);
        command.ExecuteNonQuery();
    }

    /// <summary>Forgets failures older than <paramref name="before"/> that hold no running lock. Returns the rows removed.</summary>
    public int PurgeLoginFailures(DateTime before)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM login_failures WHERE last_failure < $before AND (locked_until IS NULL OR locked_until < $before)";
        command.Parameters.AddWithValue("$before", ToMillis(before));
        return command.ExecuteNonQuery();
    }
}

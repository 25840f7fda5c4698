using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    private const string UserColumns = "id, email, password_hash, must_change_password, mfa_secret, mfa_pending_secret, mfa_last_step, created_at, password_changed_at";

    /// <summary>The number of users (any org).</summary>
    public long CountUsers()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM users";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Creates a user; returns the new row, or null when the e-mail is taken.</summary>
    public UserRow? InsertUser(string email, string passwordHash, bool mustChangePassword)
    {
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO users (email, password_hash, must_change_password, created_at) VALUES ($email, $hash, $must, $now)
                ON CONFLICT (email) DO NOTHING
                """;
            command.Parameters.AddWithValue("$email", email);
            command.Parameters.AddWithValue("$hash", passwordHash);
            command.Parameters.AddWithValue("$must", mustChangePassword ? 1 : 0);
            command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
            if (command.ExecuteNonQuery() == 0)
            {
                return null;
            }
        }

        return FindUserByEmail(email);
    }

    /// <summary>The user with this e-mail (any case), or null.</summary>
    public UserRow? FindUserByEmail(string email) => QueryUser("WHERE email = $value", email);

    /// <summary>The user with this id, or null.</summary>
    public UserRow? FindUser(long id) => QueryUser("WHERE id = $value", id);

    /// <summary>Replaces the password hash (also used to upgrade a hash to new parameters).</summary>
    public void SetPasswordHash(long userId, string passwordHash, bool mustChangePassword, bool changedByUser)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = changedByUser
            ? "UPDATE users SET password_hash = $hash, must_change_password = $must, password_changed_at = $now WHERE id = $id"
            : "UPDATE users SET password_hash = $hash, must_change_password = $must WHERE id = $id";
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$must", mustChangePassword ? 1 : 0);
        command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
        command.Parameters.AddWithValue("$id", userId);
        command.ExecuteNonQuery();
    }

    /// <summary>Stores the secret of an MFA enrolment in progress (replacing an unfinished one).</summary>
    public void SetPendingMfaSecret(long userId, string? secretProtected)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET mfa_pending_secret = $secret WHERE id = $id";
        command.Parameters.AddWithValue("$secret", (object?)secretProtected ?? DBNull.Value);
        command.Parameters.AddWithValue("$id", userId);
        command.ExecuteNonQuery();
    }

    /// <summary>Turns MFA on with <paramref name="secretProtected"/> and replaces the recovery codes, in one transaction.</summary>
    public void EnableMfa(long userId, string secretProtected, IReadOnlyList<string> recoveryCodeHashes)
    {
        ArgumentNullException.ThrowIfNull(recoveryCodeHashes);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE users SET mfa_secret = $secret, mfa_pending_secret = NULL, mfa_last_step = NULL WHERE id = $id;
                DELETE FROM recovery_codes WHERE user_id = $id;
                """;
            command.Parameters.AddWithValue("$secret", secretProtected);
            command.Parameters.AddWithValue("$id", userId);
            command.ExecuteNonQuery();
        }

        foreach (string hash in recoveryCodeHashes)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($id, $hash)";
            insert.Parameters.AddWithValue("$id", userId);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Turns MFA off and forgets the recovery codes.</summary>
    public void DisableMfa(long userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE users SET mfa_secret = NULL, mfa_pending_secret = NULL, mfa_last_step = NULL WHERE id = $id;
            DELETE FROM recovery_codes WHERE user_id = $id;
            """;
        command.Parameters.AddWithValue("$id", userId);
        command.ExecuteNonQuery();
    }

    /// <summary>Records the TOTP time step used to sign in; false when it is not newer than the last one (a replay).</summary>
    public bool AdvanceMfaStep(long userId, long step)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET mfa_last_step = $step WHERE id = $id AND (mfa_last_step IS NULL OR mfa_last_step < $step)";
        command.Parameters.AddWithValue("$step", step);
        command.Parameters.AddWithValue("$id", userId);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>Marks an unused recovery code used; false when there is no such unused code.</summary>
    public bool UseRecoveryCode(long userId, string codeHash)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE recovery_codes SET used_at = $now WHERE user_id = $id AND code_hash = $hash AND used_at IS NULL";
        command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
        command.Parameters.AddWithValue("$id", userId);
        command.Parameters.AddWithValue("$hash", codeHash);
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>How many unused recovery codes the user has left.</summary>
    public int CountRecoveryCodes(long userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM recovery_codes WHERE user_id = $id AND used_at IS NULL";
        command.Parameters.AddWithValue("$id", userId);
        return (int)(long)command.ExecuteScalar()!;
    }

    /// <summary>Adds the user to the org with <paramref name="role"/>; false when already a member.</summary>
    public bool AddMembership(long userId, int orgId, string role)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($user, $org, $role, $now)
            ON CONFLICT (user_id, org_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
        return command.ExecuteNonQuery() == 1;
    }

    /// <summary>The user's membership in the org, or null.</summary>
    public MembershipRow? FindMembership(long userId, int orgId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = MembershipSelect + " WHERE m.user_id = $user AND m.org_id = $org";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadMembership(reader) : null;
    }

    /// <summary>Every org the user belongs to, by org id.</summary>
    public IReadOnlyList<MembershipRow> ListMembershipsOfUser(long userId) =>
        QueryMemberships(MembershipSelect + " WHERE m.user_id = $value ORDER BY m.org_id", userId);

    /// <summary>Every member of the org, by e-mail.</summary>
    public IReadOnlyList<MembershipRow> ListMembers(int orgId) =>
        QueryMemberships(MembershipSelect + " WHERE m.org_id = $value ORDER BY u.email", orgId);

    /// <summary>
    /// Changes a member's role unless that would leave the org without an OWNER; returns false when the user is
    /// not a member, throws <see cref="InvalidOperationException"/> for the last owner. Checked and written in one
    /// transaction so two admins cannot demote the last two owners at once.
    /// </summary>
    public bool ChangeRole(long userId, int orgId, string role, string ownerRole)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        string? current = CurrentRole(connection, transaction, userId, orgId);
        if (current is null)
        {
            return false;
        }

        if (current == ownerRole && role != ownerRole && CountRole(connection, transaction, orgId, ownerRole) <= 1)
        {
            throw new InvalidOperationException("the org would be left without an owner");
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE memberships SET role = $role WHERE user_id = $user AND org_id = $org";
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        command.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    /// <summary>Removes the user from the org (and ends their sessions in it) unless they are its last OWNER.</summary>
    public bool RemoveMembership(long userId, int orgId, string ownerRole)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        string? current = CurrentRole(connection, transaction, userId, orgId);
        if (current is null)
        {
            return false;
        }

        if (current == ownerRole && CountRole(connection, transaction, orgId, ownerRole) <= 1)
        {
            throw new InvalidOperationException("the org would be left without an owner");
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            DELETE FROM memberships WHERE user_id = $user AND org_id = $org;
            UPDATE refresh_tokens SET revoked_at = $now WHERE user_id = $user AND org_id = $org AND revoked_at IS NULL;
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
        command.ExecuteNonQuery();
        transaction.Commit();
        return true;
    }

    private const string MembershipSelect = """
        SELECT m.user_id, u.email, m.org_id, o.slug, o.name, m.role, m.created_at, u.mfa_secret IS NOT NULL, u.must_change_password
        FROM memberships m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id
        """;

    private static string? CurrentRole(SqliteConnection connection, SqliteTransaction transaction, long userId, int orgId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT role FROM memberships WHERE user_id = $user AND org_id = $org";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        return command.ExecuteScalar() as string;
    }

    private static long CountRole(SqliteConnection connection, SqliteTransaction transaction, int orgId, string role)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM memberships WHERE org_id = $org AND role = $role";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$role", role);
        return (long)command.ExecuteScalar()!;
    }

    private List<MembershipRow> QueryMemberships(string sql, object value)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$value", value);
        using var reader = command.ExecuteReader();
        var rows = new List<MembershipRow>();
        while (reader.Read())
        {
            rows.Add(ReadMembership(reader));
        }

        return rows;
    }

    private static MembershipRow ReadMembership(SqliteDataReader reader) => new()
    {
        UserId = reader.GetInt64(0),
        Email = reader.GetString(1),
        OrgId = reader.GetInt32(2),
        OrgSlug = reader.GetString(3),
        OrgName = reader.GetString(4),
        Role = reader.GetString(5),
        CreatedAt = FromMillis(reader.GetInt64(6)),
        MfaEnabled = reader.GetInt64(7) != 0,
        MustChangePassword = reader.GetInt64(8) != 0,
    };

    private UserRow? QueryUser(string where, object value)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UserColumns} FROM users {where}";
        command.Parameters.AddWithValue("$value", value);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new UserRow
        {
            Id = reader.GetInt64(0),
            Email = reader.GetString(1),
            PasswordHash = reader.GetString(2),
            MustChangePassword = reader.GetInt64(3) != 0,
            MfaSecretProtected = StringOrNull(reader, 4),
            MfaPendingSecretProtected = StringOrNull(reader, 5),
            MfaLastStep = reader.IsDBNull(6) ? null : reader.GetInt64(6),
            CreatedAt = FromMillis(reader.GetInt64(7)),
            PasswordChangedAt = FromMillis(reader, 8),
        };
    }
}

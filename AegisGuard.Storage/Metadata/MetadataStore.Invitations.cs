using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    private const string InvitationSelect = """
        SELECT i.id, i.token_hash, i.org_id, o.slug, o.name, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at, i.revoked_at
        FROM invitations i JOIN orgs o ON o.id = i.org_id
        """;

    /// <summary>
    /// Stores a new invitation and revokes the org's earlier pending invitations of the same e-mail, in one
    /// transaction, so only the newest link of a person works.
    /// </summary>
    public void InsertInvitation(InvitationRow invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var revoke = connection.CreateCommand())
        {
            revoke.Transaction = transaction;
            revoke.CommandText = """
                UPDATE invitations SET revoked_at = $now
                WHERE org_id = $org AND email = $email AND accepted_at IS NULL AND revoked_at IS NULL
                """;
            revoke.Parameters.AddWithValue("$now", ToMillis(invitation.CreatedAt));
            revoke.Parameters.AddWithValue("$org", invitation.OrgId);
            revoke.Parameters.AddWithValue("$email", invitation.Email);
            revoke.ExecuteNonQuery();
        }

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO invitations (id, token_hash, org_id, email, role, invited_by, created_at, expires_at)
                VALUES ($id, $hash, $org, $email, $role, $by, $created, $expires)
                """;
            insert.Parameters.AddWithValue("$id", invitation.Id);
            insert.Parameters.AddWithValue("$hash", invitation.TokenHash);
            insert.Parameters.AddWithValue("$org", invitation.OrgId);
            insert.Parameters.AddWithValue("$email", invitation.Email);
            insert.Parameters.AddWithValue("$role", invitation.Role);
            insert.Parameters.AddWithValue("$by", invitation.InvitedBy);
            insert.Parameters.AddWithValue("$created", ToMillis(invitation.CreatedAt));
            insert.Parameters.AddWithValue("$expires", ToMillis(invitation.ExpiresAt));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>The invitation whose token has this hash (in any state), or null.</summary>
    public InvitationRow? FindInvitationByTokenHash(string tokenHash)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = InvitationSelect + " WHERE i.token_hash = $hash";
        command.Parameters.AddWithValue("$hash", tokenHash);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadInvitation(reader) : null;
    }

    /// <summary>The org's invitations that can still be accepted at <paramref name="now"/>, newest first.</summary>
    public IReadOnlyList<InvitationRow> ListPendingInvitations(int orgId, DateTime now)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = InvitationSelect + """
             WHERE i.org_id = $org AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $now
            ORDER BY i.created_at DESC, i.id
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        using var reader = command.ExecuteReader();
        var rows = new List<InvitationRow>();
        while (reader.Read())
        {
            rows.Add(ReadInvitation(reader));
        }

        return rows;
    }

    /// <summary>Revokes a pending invitation of the org; returns it, or null when the org has no such pending invitation.</summary>
    public InvitationRow? RevokeInvitation(int orgId, string id, DateTime now)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE invitations SET revoked_at = $now
            WHERE id = $id AND org_id = $org AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $now
            """;
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$org", orgId);
        if (command.ExecuteNonQuery() == 0)
        {
            return null;
        }

        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = InvitationSelect + " WHERE i.id = $id";
        read.Parameters.AddWithValue("$id", id);
        InvitationRow? row;
        using (var reader = read.ExecuteReader())
        {
            row = reader.Read() ? ReadInvitation(reader) : null;
        }

        transaction.Commit();
        return row;
    }

    /// <summary>
    /// Uses the pending invitation with this token hash for the existing account <paramref name="userId"/> (whose e-mail
    /// the caller checked against the invitation) and adds the membership, in one transaction: a token works once.
    /// </summary>
    public InvitationAcceptance AcceptInvitation(string tokenHash, long userId, DateTime now)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!MarkAccepted(connection, transaction, tokenHash, userId, now, out int orgId, out string role))
        {
            return InvitationAcceptance.NotPending;
        }

        AddMembership(connection, transaction, userId, orgId, role, now);
        transaction.Commit();
        return InvitationAcceptance.Accepted;
    }

    /// <summary>
    /// Creates the account of a new person with the invitation's e-mail and the password they chose, uses the invitation
    /// and adds the membership, in one transaction. Refuses (changing nothing) when the e-mail already has an account:
    /// an invitation never sets the password of an existing one.
    /// </summary>
    public (InvitationAcceptance Outcome, UserRow? User) AcceptInvitationAsNewUser(string tokenHash, string passwordHash, DateTime now)
    {
        string? email;
        using (var connection = Open())
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            using (var find = connection.CreateCommand())
            {
                find.Transaction = transaction;
                find.CommandText = "SELECT email FROM invitations WHERE token_hash = $hash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $now";
                find.Parameters.AddWithValue("$hash", tokenHash);
                find.Parameters.AddWithValue("$now", ToMillis(now));
                email = find.ExecuteScalar() as string;
            }

            if (email is null)
            {
                return (InvitationAcceptance.NotPending, null);
            }

            long userId;
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO users (email, password_hash, must_change_password, created_at, password_changed_at) VALUES ($email, $hash, 0, $now, $now)
                    ON CONFLICT (email) DO NOTHING
                    RETURNING id
                    """;
                insert.Parameters.AddWithValue("$email", email);
                insert.Parameters.AddWithValue("$hash", passwordHash);
                insert.Parameters.AddWithValue("$now", ToMillis(now));
                if (insert.ExecuteScalar() is not long id)
                {
                    return (InvitationAcceptance.AccountExists, null);
                }

                userId = id;
            }

            if (!MarkAccepted(connection, transaction, tokenHash, userId, now, out int orgId, out string role))
            {
                return (InvitationAcceptance.NotPending, null); // rolled back with the account
            }

            AddMembership(connection, transaction, userId, orgId, role, now);
            transaction.Commit();
        }

        return (InvitationAcceptance.Accepted, FindUserByEmail(email));
    }

    /// <summary>True when the org has a member with this e-mail; says nothing about accounts outside the org.</summary>
    public bool IsMemberByEmail(int orgId, string email)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $org AND u.email = $email";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$email", email);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static bool MarkAccepted(SqliteConnection connection, SqliteTransaction transaction, string tokenHash, long userId, DateTime now, out int orgId, out string role)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE invitations SET accepted_at = $now, accepted_by = $user
            WHERE token_hash = $hash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $now
            RETURNING org_id, role
            """;
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$hash", tokenHash);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            (orgId, role) = (0, string.Empty);
            return false;
        }

        (orgId, role) = (reader.GetInt32(0), reader.GetString(1));
        return true;
    }

    private static void AddMembership(SqliteConnection connection, SqliteTransaction transaction, long userId, int orgId, string role, DateTime now)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($user, $org, $role, $now)
            ON CONFLICT (user_id, org_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$role", role);
        command.Parameters.AddWithValue("$now", ToMillis(now));
        command.ExecuteNonQuery();
    }

    private static InvitationRow ReadInvitation(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TokenHash = reader.GetString(1),
        OrgId = reader.GetInt32(2),
        OrgSlug = reader.GetString(3),
        OrgName = reader.GetString(4),
        Email = reader.GetString(5),
        Role = reader.GetString(6),
        InvitedBy = reader.GetString(7),
        CreatedAt = FromMillis(reader.GetInt64(8)),
        ExpiresAt = FromMillis(reader.GetInt64(9)),
        AcceptedAt = FromMillis(reader, 10),
        RevokedAt = FromMillis(reader, 11),
    };
}

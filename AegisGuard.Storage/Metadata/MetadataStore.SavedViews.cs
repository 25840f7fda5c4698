using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    // Every statement below names the org AND who may see the row (shared, or the caller's own), so a view of another
    // org or another user's private view is indistinguishable from one that does not exist.
    private const string SavedViewColumns =
        "v.id, v.org_id, v.owner_id, COALESCE(u.email, ''), v.name, v.query, v.range, v.range_from, v.range_to, v.columns, v.shared, v.created_at, v.updated_at";

    private const string VisibleTo = "v.org_id = $org AND (v.shared = 1 OR v.owner_id = $user)";

    /// <summary>The views <paramref name="userId"/> may open in <paramref name="orgId"/>: their own and the shared ones, by name.</summary>
    public IReadOnlyList<SavedViewRow> ListSavedViews(int orgId, long? userId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {SavedViewColumns} FROM saved_views v LEFT JOIN users u ON u.id = v.owner_id
            WHERE {VisibleTo} ORDER BY v.name COLLATE NOCASE, v.id
            """;
        BindCaller(command, orgId, userId);
        using var reader = command.ExecuteReader();
        var views = new List<SavedViewRow>();
        while (reader.Read())
        {
            views.Add(ReadSavedView(reader));
        }

        return views;
    }

    /// <summary>One view, or null when it does not exist, is of another org, or is another user's private view.</summary>
    public SavedViewRow? FindSavedView(int orgId, long? userId, long id)
    {
        using var connection = Open();
        return FindSavedView(connection, orgId, userId, id);
    }

    /// <summary>Stores a new view owned by <paramref name="ownerId"/>.</summary>
    public SavedViewRow InsertSavedView(int orgId, long ownerId, SavedViewContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        long now = ToMillis(time.GetUtcNow().UtcDateTime);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO saved_views (org_id, owner_id, name, query, range, range_from, range_to, columns, shared, created_at, updated_at)
            VALUES ($org, $owner, $name, $query, $range, $from, $to, $columns, $shared, $now, $now)
            RETURNING id
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$owner", ownerId);
        command.Parameters.AddWithValue("$now", now);
        BindContent(command, content);
        long id = (long)command.ExecuteScalar()!;
        return FindSavedView(connection, orgId, ownerId, id)!;
    }

    /// <summary>Replaces the content of a view the caller may see; null when there is none (the owner stays).</summary>
    public SavedViewRow? UpdateSavedView(int orgId, long? userId, long id, SavedViewContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE saved_views AS v SET name = $name, query = $query, range = $range, range_from = $from, range_to = $to,
                columns = $columns, shared = $shared, updated_at = $now
            WHERE v.id = $id AND {VisibleTo}
            """;
        BindCaller(command, orgId, userId);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$now", ToMillis(time.GetUtcNow().UtcDateTime));
        BindContent(command, content);
        return command.ExecuteNonQuery() == 0 ? null : FindSavedView(connection, orgId, userId, id);
    }

    /// <summary>Deletes a view the caller may see; false when there is none.</summary>
    public bool DeleteSavedView(int orgId, long? userId, long id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM saved_views AS v WHERE v.id = $id AND {VisibleTo}";
        BindCaller(command, orgId, userId);
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>The org of view <paramref name="id"/> whoever owns it (to tell a cross-org probe from a typo), or null.</summary>
    public int? FindSavedViewOrg(long id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT org_id FROM saved_views WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is long org ? (int)org : null;
    }

    private static SavedViewRow? FindSavedView(SqliteConnection connection, int orgId, long? userId, long id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {SavedViewColumns} FROM saved_views v LEFT JOIN users u ON u.id = v.owner_id
            WHERE v.id = $id AND {VisibleTo}
            """;
        BindCaller(command, orgId, userId);
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadSavedView(reader) : null;
    }

    private static void BindCaller(SqliteCommand command, int orgId, long? userId)
    {
        command.Parameters.AddWithValue("$org", orgId);
        // A caller without a user (an API key) sees only shared views: no row has owner -1.
        command.Parameters.AddWithValue("$user", userId ?? -1);
    }

    private static void BindContent(SqliteCommand command, SavedViewContent content)
    {
        command.Parameters.AddWithValue("$name", content.Name);
        command.Parameters.AddWithValue("$query", content.Query);
        command.Parameters.AddWithValue("$range", (object?)content.Range ?? DBNull.Value);
        command.Parameters.AddWithValue("$from", content.Range is null && content.From is { } from ? ToMillis(from) : DBNull.Value);
        command.Parameters.AddWithValue("$to", content.Range is null && content.To is { } to ? ToMillis(to) : DBNull.Value);
        command.Parameters.AddWithValue("$columns", JsonSerializer.Serialize(content.Columns));
        command.Parameters.AddWithValue("$shared", content.Shared ? 1 : 0);
    }

    private static SavedViewRow ReadSavedView(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        OrgId = reader.GetInt32(1),
        OwnerId = reader.GetInt64(2),
        OwnerEmail = reader.GetString(3),
        Name = reader.GetString(4),
        Query = reader.GetString(5),
        Range = StringOrNull(reader, 6),
        From = FromMillis(reader, 7),
        To = FromMillis(reader, 8),
        Columns = JsonSerializer.Deserialize<string[]>(reader.GetString(9)) ?? [],
        Shared = reader.GetInt64(10) != 0,
        CreatedAt = FromMillis(reader.GetInt64(11)),
        UpdatedAt = FromMillis(reader.GetInt64(12)),
    };
}

using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    private const string OrgColumns = "id, slug, name, pii_mode, pii_key, ingest_rate_limit, retention_days, created_at";

    /// <summary>The org with this numeric id, or null.</summary>
    public Org? FindOrg(int id) => QueryOrg("WHERE id = $value", id);

    /// <summary>The org with this slug, or null.</summary>
    public Org? FindOrgBySlug(string slug) => QueryOrg("WHERE slug = $value", slug);

    /// <summary>Every org, by id.</summary>
    public IReadOnlyList<Org> ListOrgs()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {OrgColumns} FROM orgs ORDER BY id";
        using var reader = command.ExecuteReader();
        var orgs = new List<Org>();
        while (reader.Read())
        {
            orgs.Add(ReadOrg(reader));
        }

        return orgs;
    }

    /// <summary>
    /// Creates an org unless one with <paramref name="slug"/> exists; returns it either way. An existing org costs a read
    /// only: start-up calls this every time, and a write on a full disk aborted the start (SQLite "database or disk is full").
    /// </summary>
    public Org EnsureOrg(string slug, string name, string piiKeyProtected)
    {
        if (FindOrgBySlug(slug) is { } existing)
        {
            return existing;
        }

        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO orgs (slug, name, created_at, pii_key) VALUES ($slug, $name, $created, $key)
                ON CONFLICT (slug) DO NOTHING
                """;
            command.Parameters.AddWithValue("$slug", slug);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$created", ToMillis(time.GetUtcNow().UtcDateTime));
            command.Parameters.AddWithValue("$key", piiKeyProtected);
            command.ExecuteNonQuery();
        }

        return FindOrgBySlug(slug) ?? throw new InvalidOperationException($"org '{slug}' vanished after it was created");
    }

    /// <summary>Changes an org's settings.</summary>
    public void UpdateOrgSettings(int orgId, string piiMode, int ingestRateLimit, int retentionDays)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE orgs SET pii_mode = $mode, ingest_rate_limit = $limit, retention_days = $days WHERE id = $id";
        command.Parameters.AddWithValue("$mode", piiMode);
        command.Parameters.AddWithValue("$limit", ingestRateLimit);
        command.Parameters.AddWithValue("$days", retentionDays);
        command.Parameters.AddWithValue("$id", orgId);
        command.ExecuteNonQuery();
    }

    private Org? QueryOrg(string where, object value)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {OrgColumns} FROM orgs {where}";
        command.Parameters.AddWithValue("$value", value);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadOrg(reader) : null;
    }

    private static Org ReadOrg(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        Slug = reader.GetString(1),
        Name = reader.GetString(2),
        PiiMode = reader.GetString(3),
        PiiKeyProtected = reader.GetString(4),
        IngestRateLimit = reader.GetInt32(5),
        RetentionDays = reader.GetInt32(6),
        CreatedAt = FromMillis(reader.GetInt64(7)),
    };
}

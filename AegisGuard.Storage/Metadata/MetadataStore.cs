using AegisGuard.Storage.Health;
using AegisGuard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

/// <summary>
/// meta.db: orgs, API keys, idempotency records, users, memberships, sessions and the audit log. SQLite in WAL mode, so
/// the CLI and the server can use the same file at once. Split into partial files by concern.
/// </summary>
public sealed partial class MetadataStore
{
    private readonly SqliteDatabase database;
    private readonly TimeProvider time;
    private readonly AuditAnchor auditAnchor;
    private readonly HealthConditions? health;

    /// <summary>
    /// Opens (and migrates) the metadata database at <paramref name="path"/>; a broken audit anchor is reported on
    /// <paramref name="health"/> (component <c>audit</c>) when given.
    /// </summary>
    public MetadataStore(string path, TimeProvider? time = null, HealthConditions? health = null)
    {
        this.health = health;
        database = new SqliteDatabase(path, "AegisGuard.Storage.Metadata.Migrations.");
        database.Migrate();
        this.time = time ?? TimeProvider.System;
        auditAnchor = new AuditAnchor(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, AuditAnchor.FileName));
    }

    private SqliteConnection Open() => database.Open();

    private static long ToMillis(DateTime value) => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static DateTime FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime;

    private static DateTime? FromMillis(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromMillis(reader.GetInt64(ordinal));

    private static string? StringOrNull(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

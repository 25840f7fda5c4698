using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet;

/// <summary>Damaged files: taken out of the file list with their reason, and listed again once restored.</summary>
public sealed partial class Manifest
{
    private const string DamagedColumns =
        "path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level, reason, quarantined_as, detected_at, accepted_at";

    /// <summary>True while <paramref name="path"/> is in the file list.</summary>
    public bool IsListed(string path)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM files WHERE path = $path";
        command.Parameters.AddWithValue("$path", path);
        return command.ExecuteScalar() is not null;
    }

    /// <summary>
    /// Unlists <paramref name="path"/> and records it as damaged, in one transaction. False (and nothing changed) when
    /// the file was no longer listed, e.g. because a concurrent query recorded it first.
    /// </summary>
    public bool RecordDamaged(string path, string reason, string? quarantinedAs, DateTime detectedAt)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var record = connection.CreateCommand();
        record.Transaction = transaction;
        record.CommandText = $"""
            INSERT OR REPLACE INTO damaged_files ({DamagedColumns})
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level, $reason, $as, $at, NULL
            FROM files WHERE path = $path
            """;
        record.Parameters.AddWithValue("$path", path);
        record.Parameters.AddWithValue("$reason", reason);
        record.Parameters.AddWithValue("$as", (object?)quarantinedAs ?? DBNull.Value);
        record.Parameters.AddWithValue("$at", ToMillis(detectedAt));
        record.ExecuteNonQuery();
        bool unlisted = Delete(connection, transaction, "DELETE FROM files WHERE path = $path", path) == 1;
        transaction.Commit();
        return unlisted;
    }

    /// <summary>The damaged record of <paramref name="path"/>, or null.</summary>
    public DamagedFile? FindDamaged(string path)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DamagedColumns} FROM damaged_files WHERE path = $path";
        command.Parameters.AddWithValue("$path", path);
        return ReadDamaged(command).FirstOrDefault();
    }

    /// <summary>Every damaged file, newest first; those whose loss was accepted only when <paramref name="includeAccepted"/>.</summary>
    public IReadOnlyList<DamagedFile> ListDamaged(bool includeAccepted = false)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {DamagedColumns} FROM damaged_files {(includeAccepted ? "" : "WHERE accepted_at IS NULL")} ORDER BY detected_at DESC, path";
        return ReadDamaged(command);
    }

    /// <summary>
    /// Lists a damaged file again (its old row, with the size it has now) and forgets the damage, in one transaction.
    /// False when <paramref name="path"/> is not recorded as damaged.
    /// </summary>
    public bool RelistDamaged(string path, long bytes)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var list = connection.CreateCommand();
        list.Transaction = transaction;
        list.CommandText = """
            INSERT OR REPLACE INTO files (path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level, created_at)
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, $bytes, first_address, next_address, level, $now
            FROM damaged_files WHERE path = $path
            """;
        list.Parameters.AddWithValue("$path", path);
        list.Parameters.AddWithValue("$bytes", bytes);
        list.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        list.ExecuteNonQuery();
        bool relisted = Delete(connection, transaction, "DELETE FROM damaged_files WHERE path = $path", path) == 1;
        transaction.Commit();
        return relisted;
    }

    /// <summary>Marks the loss of a damaged file as accepted. False when <paramref name="path"/> is not recorded as damaged.</summary>
    public bool AcceptDamaged(string path, DateTime acceptedAt)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE damaged_files SET accepted_at = $at WHERE path = $path";
        command.Parameters.AddWithValue("$path", path);
        command.Parameters.AddWithValue("$at", ToMillis(acceptedAt));
        return command.ExecuteNonQuery() == 1;
    }

    private static int Delete(SqliteConnection connection, SqliteTransaction transaction, string sql, string path)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$path", path);
        return command.ExecuteNonQuery();
    }

    private static long ToMillis(DateTime value) => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    private static DateTime FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime;

    private static List<DamagedFile> ReadDamaged(SqliteCommand command)
    {
        var files = new List<DamagedFile>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            files.Add(new DamagedFile
            {
                Listing = new ManifestFile
                {
                    Path = reader.GetString(0),
                    Signal = ParseSignal(reader.GetString(1)),
                    OrgId = reader.GetInt32(2),
                    Day = DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    MinTimestamp = FromMicros(reader.GetInt64(4)),
                    MaxTimestamp = FromMicros(reader.GetInt64(5)),
                    Rows = reader.GetInt64(6),
                    Bytes = reader.GetInt64(7),
                    FirstAddress = reader.GetInt64(8),
                    NextAddress = reader.GetInt64(9),
                    Level = reader.GetString(10),
                },
                Reason = reader.GetString(11),
                QuarantinedAs = reader.IsDBNull(12) ? null : reader.GetString(12),
                DetectedAt = FromMillis(reader.GetInt64(13)),
                AcceptedAt = reader.IsDBNull(14) ? null : FromMillis(reader.GetInt64(14)),
            });
        }

        return files;
    }
}

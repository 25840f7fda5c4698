using System.Globalization;
using AegisGuard.Storage.Sqlite;
using AegisGuard.Storage.Telemetry;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// The source of truth for what is queryable (manifest.db): one row per Parquet file, plus the 'flushed'
/// position of the ingest log. Registering a flush's files and moving that position happen in one
/// transaction, which is what makes a replay after a crash harmless.
/// </summary>
public sealed partial class Manifest
{
    private const string FlushedPosition = "flushed";
    private readonly SqliteDatabase database;

    /// <summary>Opens (and migrates) the manifest at <paramref name="path"/>.</summary>
    public Manifest(string path)
    {
        database = new SqliteDatabase(path, "AegisGuard.Storage.Parquet.Migrations.");
        database.Migrate();
    }

    /// <summary>Every ingest log record before this address is stored in a listed file (0 when nothing is).</summary>
    public long FlushedUntil()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT address FROM positions WHERE name = $name";
        command.Parameters.AddWithValue("$name", FlushedPosition);
        return command.ExecuteScalar() is long address ? address : 0;
    }

    /// <summary>Lists <paramref name="files"/> and moves the flushed position to <paramref name="flushedUntil"/>, atomically.</summary>
    public void CommitFlush(IReadOnlyList<ManifestFile> files, long flushedUntil)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var file in files)
        {
            Insert(connection, transaction, file);
        }

        using (var position = connection.CreateCommand())
        {
            position.Transaction = transaction;
            position.CommandText = """
                INSERT INTO positions (name, address) VALUES ($name, $address)
                ON CONFLICT (name) DO UPDATE SET address = max(address, excluded.address)
                """;
            position.Parameters.AddWithValue("$name", FlushedPosition);
            position.Parameters.AddWithValue("$address", flushedUntil);
            position.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Files of <paramref name="orgId"/>'s <paramref name="signal"/> whose time span overlaps [from, to].</summary>
    public IReadOnlyList<ManifestFile> ListFiles(Signal signal, int orgId, DateTime from, DateTime to)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
            FROM files WHERE signal = $signal AND org_id = $org AND max_ts >= $from AND min_ts <= $to
            ORDER BY max_ts DESC
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(signal));
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$from", ToMicros(from));
        command.Parameters.AddWithValue("$to", ToMicros(to));
        return Read(command);
    }

    /// <summary>Every file of one partition at the given level (fresh or compacted).</summary>
    public IReadOnlyList<ManifestFile> ListPartition(PartitionKey key, string level)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
            FROM files WHERE signal = $signal AND org_id = $org AND day = $day AND level = $level
            ORDER BY first_address
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(key.Signal));
        command.Parameters.AddWithValue("$org", key.OrgId);
        command.Parameters.AddWithValue("$day", key.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$level", level);
        return Read(command);
    }

    /// <summary>Partitions holding at least <paramref name="minFiles"/> files at <paramref name="level"/>.</summary>
    public IReadOnlyList<PartitionKey> PartitionsWithFiles(string level, int minFiles)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT signal, org_id, day FROM files WHERE level = $level
            GROUP BY signal, org_id, day HAVING count(*) >= $min
            """;
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$min", minFiles);
        var keys = new List<PartitionKey>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(new PartitionKey(ParseSignal(reader.GetString(0)), reader.GetInt32(1), DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return keys;
    }

    /// <summary>
    /// Swaps <paramref name="replaced"/> for <paramref name="merged"/> in one transaction and schedules the
    /// replaced files for deletion after <paramref name="deleteAfter"/> (queries already running may still read them).
    /// </summary>
    public void ReplaceFiles(IReadOnlyList<ManifestFile> replaced, ManifestFile merged, DateTime deleteAfter)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        foreach (var file in replaced)
        {
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM files WHERE path = $path; INSERT OR REPLACE INTO doomed (path, delete_after) VALUES ($path, $after);";
            delete.Parameters.AddWithValue("$path", file.Path);
            delete.Parameters.AddWithValue("$after", new DateTimeOffset(deleteAfter).ToUnixTimeMilliseconds());
            delete.ExecuteNonQuery();
        }

        Insert(connection, transaction, merged);
        transaction.Commit();
    }

    /// <summary>
    /// Retention: unlists every file of <paramref name="orgId"/> (all signals) whose day is before
    /// <paramref name="firstKeptDay"/> and schedules it for deletion after <paramref name="deleteAfter"/>, in one
    /// transaction. Returns the files and rows unlisted.
    /// </summary>
    public (int Files, long Rows) ExpireBefore(int orgId, DateOnly firstKeptDay, DateTime deleteAfter)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO doomed (path, delete_after) SELECT path, $after FROM files WHERE org_id = $org AND day < $day;
            SELECT count(*), coalesce(sum(rows), 0) FROM files WHERE org_id = $org AND day < $day;
            DELETE FROM files WHERE org_id = $org AND day < $day;
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$day", firstKeptDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$after", new DateTimeOffset(DateTime.SpecifyKind(deleteAfter, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
        (int Files, long Rows) expired;
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            expired = (reader.GetInt32(0), reader.GetInt64(1));
        }

        transaction.Commit();
        return expired;
    }

    /// <summary>Paths of replaced files whose grace period ended before <paramref name="now"/>.</summary>
    public IReadOnlyList<string> DoomedBefore(DateTime now)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path FROM doomed WHERE delete_after <= $now";
        command.Parameters.AddWithValue("$now", new DateTimeOffset(now).ToUnixTimeMilliseconds());
        var paths = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        return paths;
    }

    /// <summary>Forgets a doomed file once it is deleted.</summary>
    public void ForgetDoomed(string path)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM doomed WHERE path = $path";
        command.Parameters.AddWithValue("$path", path);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Every path the manifest knows: listed, awaiting deletion, or recorded as damaged and not given up (a copy restored
    /// from a backup waits there to be listed again, and must not be mistaken for a stray file at start-up).
    /// </summary>
    public HashSet<string> KnownPaths()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT path FROM files UNION ALL SELECT path FROM doomed UNION ALL SELECT path FROM damaged_files WHERE accepted_at IS NULL";
        var paths = new HashSet<string>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            paths.Add(reader.GetString(0));
        }

        return paths;
    }

    /// <summary>Files, rows and bytes listed for <paramref name="signal"/> (all orgs).</summary>
    public (long Files, long Rows, long Bytes) Totals(Signal signal)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(rows), 0), coalesce(sum(bytes), 0) FROM files WHERE signal = $signal";
        command.Parameters.AddWithValue("$signal", SignalNames.Of(signal));
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    internal static long ToMicros(DateTime value) =>
        (DateTime.SpecifyKind(value, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static DateTime FromMicros(long micros) => DateTime.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    private static Signal ParseSignal(string name) => name switch
    {
        "logs" => Signal.Logs,
        "metrics" => Signal.Metrics,
        "traces" => Signal.Traces,
        "rum" => Signal.Rum,
        _ => throw new InvalidDataException($"unknown signal '{name}' in the manifest"),
    };

    private static void Insert(SqliteConnection connection, SqliteTransaction transaction, ManifestFile file)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO files (path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level, created_at)
            VALUES ($path, $signal, $org, $day, $min, $max, $rows, $bytes, $first, $next, $level, $created)
            """;
        command.Parameters.AddWithValue("$path", file.Path);
        command.Parameters.AddWithValue("$signal", SignalNames.Of(file.Signal));
        command.Parameters.AddWithValue("$org", file.OrgId);
        command.Parameters.AddWithValue("$day", file.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$min", ToMicros(file.MinTimestamp));
        command.Parameters.AddWithValue("$max", ToMicros(file.MaxTimestamp));
        command.Parameters.AddWithValue("$rows", file.Rows);
        command.Parameters.AddWithValue("$bytes", file.Bytes);
        command.Parameters.AddWithValue("$first", file.FirstAddress);
        command.Parameters.AddWithValue("$next", file.NextAddress);
        command.Parameters.AddWithValue("$level", file.Level);
        command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    private static List<ManifestFile> Read(SqliteCommand command)
    {
        var files = new List<ManifestFile>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            files.Add(new ManifestFile
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
            });
        }

        return files;
    }
}

using System.Reflection;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Sqlite;

/// <summary>
/// One SQLite file in WAL mode with its embedded migrations (<c>NNNN_name.sql</c> resources, applied in order and
/// tracked with <c>PRAGMA user_version</c>). WAL lets the CLI (<c>keys create</c>) write while the server runs.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string connectionString;
    private readonly string migrationsPrefix;

    /// <summary>Describes the database at <paramref name="path"/> whose migrations are the embedded resources under <paramref name="migrationsPrefix"/>.</summary>
    public SqliteDatabase(string path, string migrationsPrefix)
    {
        Path = path;
        this.migrationsPrefix = migrationsPrefix;
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens a pooled connection with the pragmas every connection needs.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        // FULL: a commit is on disk before it returns (the manifest and audit depend on it; writes are few).
        pragmas.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Switches to WAL and applies every migration newer than the file's user_version, each in its own transaction.</summary>
    public void Migrate()
    {
        using var connection = Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            wal.ExecuteNonQuery();
        }

        long current;
        using (var version = connection.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version;";
            current = (long)version.ExecuteScalar()!;
        }

        var assembly = typeof(SqliteDatabase).Assembly;
        foreach (var (number, resource) in Migrations(assembly))
        {
            if (number <= current)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            string sql = reader.ReadToEnd();
            using var transaction = connection.BeginTransaction();
            using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = sql + $"\nPRAGMA user_version = {number};";
                apply.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <summary>
    /// Checks the database at <paramref name="path"/> with <c>PRAGMA quick_check</c> (every page and b-tree, not the
    /// indexes' contents) and returns what SQLite reports, or null when the file is sound. A file that is not a
    /// database at all is reported the same way. With <paramref name="skipTables"/>, only the schema and the other tables
    /// are checked, each with <c>quick_check(table)</c>: the whole file costs about a second per million audit rows, too
    /// much to wait for at every start. Opens its own unpooled connection, so nothing keeps the file open.
    /// </summary>
    public static string? FindDamage(string path, IReadOnlySet<string>? skipTables = null)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite, // never create: a missing file is the caller's case
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using (var timeout = connection.CreateCommand())
            {
                timeout.CommandText = "PRAGMA busy_timeout = 5000;";
                timeout.ExecuteNonQuery();
            }

            if (skipTables is null)
            {
                return QuickCheck(connection, "PRAGMA quick_check(5);");
            }

            var tables = new List<string>();
            using (var schema = connection.CreateCommand())
            {
                schema.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";
                using var reader = schema.ExecuteReader();
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            foreach (string table in tables.Where(t => !skipTables.Contains(t)))
            {
                // A PRAGMA takes no parameters; the name comes from sqlite_schema, quoted as an identifier.
                if (QuickCheck(connection, $"PRAGMA quick_check(\"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\");") is { } damage)
                {
                    return damage;
                }
            }

            return null;
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            return ex.Message;
        }
    }

    private static string? QuickCheck(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        var problems = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                string line = reader.GetString(0);
                if (!string.Equals(line, "ok", StringComparison.Ordinal))
                {
                    problems.Add(line);
                }
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems.Take(5));
    }

    /// <summary>
    /// True when <paramref name="exception"/> says the file itself is damaged or not a database (SQLITE_CORRUPT,
    /// SQLITE_NOTADB), as opposed to a busy, full or read-only database.
    /// </summary>
    public static bool IsDamage(SqliteException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return (exception.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase;
    }

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private IEnumerable<(int Number, string Resource)> Migrations(Assembly assembly)
    {
        // Resource names look like AegisGuard.Storage.Metadata.Migrations.0001_init.sql
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(migrationsPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string file = name[migrationsPrefix.Length..];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore > 0 && int.TryParse(file[..underscore], out int number))
            {
                yield return (number, name);
            }
        }
    }
}

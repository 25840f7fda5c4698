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

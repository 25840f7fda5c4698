namespace AegisGuard.Storage.Parquet;

public sealed partial class Manifest
{
    /// <summary>The database file.</summary>
    public string Path => database.Path;

    /// <summary>
    /// True once a flush (or a rebuild) recorded the flushed position. A manifest without one lists nothing: new, or
    /// created in place of a lost one.
    /// </summary>
    public bool HasFlushedPosition()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM positions WHERE name = $name";
        command.Parameters.AddWithValue("$name", FlushedPosition);
        return (long)command.ExecuteScalar()! > 0;
    }

    /// <summary>
    /// Replaces the whole file list with <paramref name="listed"/>, schedules <paramref name="doomed"/> for deletion after
    /// <paramref name="deleteAfter"/> and sets the flushed position to <paramref name="flushedUntil"/>, in ONE transaction:
    /// a crash part-way leaves the manifest without a flushed position, and the next start rebuilds again.
    /// </summary>
    public void Rebuild(IReadOnlyList<ManifestFile> listed, IReadOnlyList<string> doomed, long flushedUntil, DateTime deleteAfter)
    {
        ArgumentNullException.ThrowIfNull(listed);
        ArgumentNullException.ThrowIfNull(doomed);
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using (var clear = connection.CreateCommand())
        {
            clear.Transaction = transaction;
            clear.CommandText = "DELETE FROM files; DELETE FROM doomed; DELETE FROM positions WHERE name = $name;";
            clear.Parameters.AddWithValue("$name", FlushedPosition);
            clear.ExecuteNonQuery();
        }

        foreach (var file in listed)
        {
            Insert(connection, transaction, file);
        }

        foreach (string path in doomed)
        {
            using var doom = connection.CreateCommand();
            doom.Transaction = transaction;
            doom.CommandText = "INSERT OR REPLACE INTO doomed (path, delete_after) VALUES ($path, $after)";
            doom.Parameters.AddWithValue("$path", path);
            doom.Parameters.AddWithValue("$after", new DateTimeOffset(DateTime.SpecifyKind(deleteAfter, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            doom.ExecuteNonQuery();
        }

        using (var position = connection.CreateCommand())
        {
            position.Transaction = transaction;
            position.CommandText = "INSERT INTO positions (name, address) VALUES ($name, $address)";
            position.Parameters.AddWithValue("$name", FlushedPosition);
            position.Parameters.AddWithValue("$address", flushedUntil);
            position.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

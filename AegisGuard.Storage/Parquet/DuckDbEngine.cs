using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// The one in-process DuckDB database that reads and writes Parquet. Every caller gets its own connection
/// (sharing one across threads aborted the process in tests here) and queries pass a semaphore sized to the
/// cores, so many concurrent readers cannot starve the partition writer.
/// </summary>
/// <remarks>
/// Per-query overhead is what made a search 1.25–1.5× slower than the same SQL run in DuckDB directly (issue #9): a
/// new connection per statement and every Parquet footer parsed again. Query connections are therefore pooled (one
/// caller at a time; a connection whose query failed is closed rather than reused), and DuckDB's Parquet metadata
/// cache is on — safe here because a Parquet file is never rewritten in place: flushes and compaction write new files
/// and rename them in, and DuckDB checks a cached footer against the file's modification time.
/// <para>
/// Late materialisation covers pages of up to <see cref="LateMaterializationRows"/> lines: a search's
/// <c>ORDER BY ts … LIMIT n</c> then reads only the sort columns of every candidate row and fetches the wide ones
/// (message, attributes, ids) for the n winners. DuckDB's default (50 rows) left a 100-line page decoding every column
/// of every row in the range: most of the gap between a search and the same four-column query run directly.
/// </para>
/// </remarks>
public sealed class DuckDbEngine : IDisposable
{
    /// <summary>The largest ORDER BY … LIMIT that DuckDB answers with late materialisation (a page of 10,000 and one more).</summary>
    public const int LateMaterializationRows = 10_001;

    private const string ConnectionString = "DataSource=:memory:?cache=shared";
    private readonly DuckDBConnection anchor;
    private readonly SemaphoreSlim queryGate;
    private readonly ConcurrentBag<DuckDBConnection> idle = [];
    private bool disposed;

    /// <summary>
    /// Opens the shared database; <paramref name="maxConcurrentQueries"/> defaults to the core count.
    /// <paramref name="memoryLimit"/> caps DuckDB's buffer manager (its default is 80 % of RAM); work beyond it
    /// (large sorts) spills to <paramref name="spillDirectory"/>.
    /// </summary>
    public DuckDbEngine(string memoryLimit = "1GB", string? spillDirectory = null, int maxConcurrentQueries = 0)
    {
        // Keeps the shared in-memory database alive while the engine lives.
        anchor = new DuckDBConnection(ConnectionString);
        anchor.Open();
        using (var settings = anchor.CreateCommand())
        {
            settings.CommandText = $"SET memory_limit = '{memoryLimit.Replace("'", string.Empty, StringComparison.Ordinal)}'; SET GLOBAL parquet_metadata_cache = true;" +
                $" SET GLOBAL late_materialization_max_rows = {LateMaterializationRows};" +
                (spillDirectory is null ? string.Empty : $" SET temp_directory = '{spillDirectory.Replace("'", "''", StringComparison.Ordinal)}';");
            settings.ExecuteNonQuery();
        }

        queryGate = new SemaphoreSlim(maxConcurrentQueries > 0 ? maxConcurrentQueries : Environment.ProcessorCount);
    }

    /// <summary>A new connection to the shared database; the caller disposes it and uses it from one thread.</summary>
    public DuckDBConnection OpenConnection()
    {
        var connection = new DuckDBConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="query"/> on its own connection once a query slot is free.</summary>
    public async Task<T> QueryAsync<T>(Func<DuckDBConnection, CancellationToken, T> query, CancellationToken cancellationToken)
    {
        await queryGate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() =>
            {
                var connection = idle.TryTake(out var pooled) ? pooled : OpenConnection();
                bool reusable = false;
                try
                {
                    var result = query(connection, cancellationToken);
                    reusable = true;
                    return result;
                }
                finally
                {
                    if (reusable && !Volatile.Read(ref disposed))
                    {
                        idle.Add(connection);
                    }
                    else
                    {
                        connection.Dispose();
                    }
                }
            }, cancellationToken);
        }
        finally
        {
            queryGate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Volatile.Write(ref disposed, true);
        while (idle.TryTake(out var connection))
        {
            connection.Dispose();
        }

        anchor.Dispose();
        queryGate.Dispose();
    }
}

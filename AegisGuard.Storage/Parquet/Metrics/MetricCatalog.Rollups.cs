using System.Buffers;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The rollups of the catalog: table <c>rollup_chunks</c>, one row per series × resolution × chunk holding that chunk's
/// buckets packed (<see cref="RollupChunk"/>). Readers get buckets, never chunks: what lies outside the asked range is
/// decoded and dropped here.
/// </summary>
internal sealed partial class MetricCatalog
{
    /// <summary>The stored aggregates of the given buckets (absent ones have none yet): each chunk they fall in is read once.</summary>
    public Dictionary<(long SeriesId, long ResolutionMs, long BucketMs), RollupBucket> LoadBuckets(IEnumerable<(long SeriesId, long ResolutionMs, long BucketMs)> keys)
    {
        var wanted = new HashSet<(long, long, long)>(keys);
        var chunks = new HashSet<(long SeriesId, long ResolutionMs, long ChunkMs)>();
        foreach (var (id, resolution, bucket) in wanted)
        {
            chunks.Add((id, resolution, RollupChunk.StartOf(bucket, resolution)));
        }

        var found = new Dictionary<(long, long, long), RollupBucket>();
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT buckets FROM rollup_chunks WHERE series_id = $id AND resolution_ms = $res AND chunk_ms = $chunk";
        var idParameter = command.Parameters.Add("$id", SqliteType.Integer);
        var resParameter = command.Parameters.Add("$res", SqliteType.Integer);
        var chunkParameter = command.Parameters.Add("$chunk", SqliteType.Integer);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        var decoded = new List<(long BucketMs, RollupBucket Bucket)>();
        try
        {
            foreach (var (id, resolution, chunk) in chunks)
            {
                idParameter.Value = id;
                resParameter.Value = resolution;
                chunkParameter.Value = chunk;
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    continue;
                }

                decoded.Clear();
                RollupChunk.Decode(Blob(reader, 0, ref buffer), chunk, resolution, long.MinValue, long.MaxValue, decoded);
                foreach (var (bucket, aggregate) in decoded)
                {
                    if (wanted.Contains((id, resolution, bucket)))
                    {
                        found[(id, resolution, bucket)] = aggregate;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return found;
    }

    /// <summary>
    /// Null when the series hold at most <paramref name="limit"/> stored buckets at one resolution starting within
    /// [from, to]; otherwise their exact number. The chunks' present counts decide alone when every chunk lies wholly in
    /// the range or the partly covered ones (at most two per series) cannot reach the limit even if all their slots in
    /// range were present; only otherwise are those chunks' slots read.
    /// </summary>
    public long? CountBucketsOver(IReadOnlyCollection<long> seriesIds, long resolutionMs, long fromMs, long toMs, long limit)
    {
        long span = RollupChunk.SpanOf(resolutionMs);
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT series_id, chunk_ms, present FROM rollup_chunks
            WHERE series_id IN (SELECT value FROM json_each($ids)) AND resolution_ms = $res AND chunk_ms >= $from_chunk AND chunk_ms <= $to
            """;
        BindRange(command, seriesIds, resolutionMs, fromMs, toMs);
        long exact = 0;
        long bound = 0;
        var partial = new List<(long SeriesId, long ChunkMs)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                long chunk = reader.GetInt64(1);
                long present = reader.GetInt64(2);
                if (chunk >= fromMs && chunk + span - resolutionMs <= toMs)
                {
                    exact += present;
                }
                else
                {
                    bound += Math.Min(present, SlotsWithin(chunk, span, resolutionMs, fromMs, toMs));
                    partial.Add((reader.GetInt64(0), chunk));
                }
            }
        }

        if (exact + bound <= limit)
        {
            return null;
        }

        using var blob = connection.CreateCommand();
        blob.CommandText = "SELECT buckets FROM rollup_chunks WHERE series_id = $id AND resolution_ms = $res AND chunk_ms = $chunk";
        var idParameter = blob.Parameters.Add("$id", SqliteType.Integer);
        blob.Parameters.AddWithValue("$res", resolutionMs);
        var chunkParameter = blob.Parameters.Add("$chunk", SqliteType.Integer);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            foreach (var (id, chunk) in partial)
            {
                idParameter.Value = id;
                chunkParameter.Value = chunk;
                using var reader = blob.ExecuteReader();
                if (reader.Read())
                {
                    exact += RollupChunk.CountWithin(Blob(reader, 0, ref buffer), chunk, resolutionMs, fromMs, toMs);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return exact > limit ? exact : null;
    }

    /// <summary>Stored buckets of the series at one resolution starting within [from, to], by series then start.</summary>
    /// <remarks>
    /// The query path's read (a 24 h query reads ~5 chunks per series), so it steps the statement through SQLitePCL
    /// itself: Microsoft.Data.Sqlite's <c>GetBytes</c> copies every BLOB into a new array first, which was half of the
    /// bytes this read allocated; <c>sqlite3_column_blob</c> hands out SQLite's own buffer until the next step.
    /// </remarks>
    public Dictionary<long, List<(long BucketMs, RollupBucket Bucket)>> ReadBuckets(IReadOnlyCollection<long> seriesIds, long resolutionMs, long fromMs, long toMs)
    {
        int perChunk = RollupChunk.SlotsOf(resolutionMs);
        // Each series' list sized for the whole range (a 24 h read at 5 m is 289 buckets): growing from a guess doubled
        // the bytes allocated per read.
        int capacity = (int)Math.Clamp((((double)toMs - fromMs) / resolutionMs) + 1, 1, perChunk * 8);
        var result = new Dictionary<long, List<(long, RollupBucket)>>();
        using var connection = database.Open();
        var db = connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, """
            SELECT series_id, chunk_ms, buckets FROM rollup_chunks
            WHERE series_id IN (SELECT value FROM json_each(?1)) AND resolution_ms = ?2 AND chunk_ms >= ?3 AND chunk_ms <= ?4
            ORDER BY series_id, chunk_ms
            """, out sqlite3_stmt statement));
        using (statement)
        {
            Check(db, raw.sqlite3_bind_text(statement, 1, JsonSerializer.Serialize(seriesIds)));
            Check(db, raw.sqlite3_bind_int64(statement, 2, resolutionMs));
            Check(db, raw.sqlite3_bind_int64(statement, 3, FirstChunk(fromMs, resolutionMs)));
            Check(db, raw.sqlite3_bind_int64(statement, 4, toMs));
            List<(long, RollupBucket)>? list = null;
            long current = long.MinValue;
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                long id = raw.sqlite3_column_int64(statement, 0);
                if (list is null || id != current)
                {
                    current = id;
                    list = new List<(long, RollupBucket)>(capacity);
                }

                RollupChunk.Decode(raw.sqlite3_column_blob(statement, 2), raw.sqlite3_column_int64(statement, 1), resolutionMs, fromMs, toMs, list);
                if (list.Count > 0)
                {
                    result[id] = list;
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                Check(db, rc);
            }
        }

        return result;
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
        }
    }

    // The chunk holding `from` may start before it; a bound near long.MinValue would overflow the floor, and needs none.
    private static long FirstChunk(long fromMs, long resolutionMs) => fromMs < long.MinValue / 2 ? long.MinValue : RollupChunk.StartOf(fromMs, resolutionMs);

    // The number of bucket starts of a chunk that lie in [from, to].
    private static long SlotsWithin(long chunkMs, long spanMs, long resolutionMs, long fromMs, long toMs)
    {
        long from = Math.Max(fromMs, chunkMs);
        long to = Math.Min(toMs, chunkMs + spanMs - 1);
        if (from > to)
        {
            return 0;
        }

        long first = (from - chunkMs + resolutionMs - 1) / resolutionMs;
        long last = (to - chunkMs) / resolutionMs;
        return Math.Max(0, last - first + 1);
    }

    private static void BindRange(SqliteCommand command, IReadOnlyCollection<long> seriesIds, long resolutionMs, long fromMs, long toMs)
    {
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(seriesIds));
        command.Parameters.AddWithValue("$res", resolutionMs);
        command.Parameters.AddWithValue("$from_chunk", FirstChunk(fromMs, resolutionMs));
        command.Parameters.AddWithValue("$to", toMs);
    }

    // A BLOB column copied into a reused buffer (grown when a chunk is larger): no array per row.
    private static ReadOnlySpan<byte> Blob(SqliteDataReader reader, int ordinal, ref byte[] buffer)
    {
        int length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
        if (length > buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(length);
        }

        reader.GetBytes(ordinal, 0, buffer, 0, length);
        return buffer.AsSpan(0, length);
    }

    /// <summary>
    /// Writes a follower step's buckets chunk by chunk inside its transaction: the chunks they fall in are read (when the
    /// series may have some), the buckets replaced or added slot by slot, and each chunk written back whole.
    /// </summary>
    private sealed class ChunkWriter : IDisposable
    {
        private readonly SqliteCommand select;
        private readonly SqliteCommand upsert;
        private readonly Dictionary<long, (RollupBucket[] Aggregates, bool[] Present)> scratch = [];
        private byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);

        public ChunkWriter(SqliteConnection connection, SqliteTransaction transaction)
        {
            select = Command(connection, transaction, "SELECT buckets FROM rollup_chunks WHERE series_id = $id AND resolution_ms = $res AND chunk_ms = $chunk");
            upsert = Command(connection, transaction, """
                INSERT OR REPLACE INTO rollup_chunks (series_id, resolution_ms, chunk_ms, present, buckets) VALUES ($id, $res, $chunk, $present, $buckets)
                """);
        }

        public void Write(long seriesId, List<(long ResolutionMs, long BucketMs, RollupBucket Bucket)> buckets, bool merge)
        {
            var byChunk = new Dictionary<(long ResolutionMs, long ChunkMs), List<(long BucketMs, RollupBucket Bucket)>>();
            foreach (var (resolution, bucket, aggregate) in buckets)
            {
                var key = (resolution, RollupChunk.StartOf(bucket, resolution));
                if (!byChunk.TryGetValue(key, out var list))
                {
                    list = [];
                    byChunk[key] = list;
                }

                list.Add((bucket, aggregate));
            }

            foreach (var ((resolution, chunk), list) in byChunk)
            {
                // One pair of slot arrays per resolution for the whole step, cleared per chunk.
                if (!scratch.TryGetValue(resolution, out var arrays))
                {
                    int slots = RollupChunk.SlotsOf(resolution);
                    arrays = (new RollupBucket[slots], new bool[slots]);
                    scratch[resolution] = arrays;
                }

                var (aggregates, present) = arrays;
                Array.Clear(present);
                if (merge)
                {
                    Bind(select, ("$id", seriesId), ("$res", resolution), ("$chunk", chunk));
                    using var reader = select.ExecuteReader();
                    if (reader.Read())
                    {
                        RollupChunk.Unpack(Blob(reader, 0, ref buffer), chunk, resolution, aggregates, present);
                    }
                }

                // Later entries win, as INSERT OR REPLACE of one row per bucket did.
                foreach (var (bucket, aggregate) in list)
                {
                    int slot = (int)((bucket - chunk) / resolution);
                    aggregates[slot] = aggregate;
                    present[slot] = true;
                }

                byte[] packed = RollupChunk.Pack(chunk, resolution, aggregates, present, out int count);
                Run(upsert, ("$id", seriesId), ("$res", resolution), ("$chunk", chunk), ("$present", count), ("$buckets", packed));
            }
        }

        public void Dispose()
        {
            select.Dispose();
            upsert.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

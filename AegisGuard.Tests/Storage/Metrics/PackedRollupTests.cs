using System.Globalization;
using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Parquet.Metrics;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// The rollups packed one row per series × resolution × chunk (1 m in 1 h, 5 m in 6 h, 1 h in 1 day): buckets on both
/// sides of a chunk and of midnight answer as buckets, a late sample recomputes one bucket inside a stored chunk and
/// leaves its neighbours, NaN survives the packing, retention drops exactly a day's chunks, the query limit counts
/// buckets (not chunks) in the range, and a catalog of the old one-row-per-bucket format migrates and answers the same.
/// </summary>
public sealed class PackedRollupTests
{
    // A UTC midnight: a chunk boundary at every resolution.
    private static readonly long Midnight = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly TimeSpan[] Resolutions = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)];

    [Fact]
    public async Task Buckets_on_both_sides_of_a_chunk_and_of_midnight_answer_as_buckets()
    {
        using var harness = new ParquetMetricStoreHarness();
        // 23:58:30 … 00:01:30 around midnight, 00:59:30 … 01:00:30 around the 1 h chunk of 1 m buckets,
        // 05:59:30 … 06:00:30 around the 6 h chunk of 5 m buckets; two flushes, followed in between.
        long[] times =
        [
            Midnight - 90_000, Midnight - 30_000, Midnight, Midnight + 30_000, Midnight + 90_000,
            Midnight + 3_570_000, Midnight + 3_600_000, Midnight + 3_630_000,
            Midnight + 21_570_000, Midnight + 21_600_000, Midnight + 21_630_000,
        ];
        harness.Flush([.. times.Take(4).Select((t, i) => MetricSeed.Gauge("g", t, i + 1))]);
        await harness.FollowAsync();
        harness.Flush([.. times.Skip(4).Select((t, i) => MetricSeed.Gauge("g", t, i + 5))]);
        await harness.FollowAsync();

        var minute = await Single(harness, "g", TimeSpan.FromMinutes(1), Midnight - 120_000, Midnight + 86_400_000);
        Assert.Equal(
            [Midnight - 120_000, Midnight - 60_000, Midnight, Midnight + 60_000, Midnight + 3_540_000, Midnight + 3_600_000, Midnight + 21_540_000, Midnight + 21_600_000],
            minute.BucketStartMs);
        Assert.Equal([1.0, 2.0, 7.0, 5.0, 6.0, 15.0, 9.0, 21.0], minute.Sum);
        Assert.Equal([1L, 1L, 2L, 1L, 1L, 2L, 1L, 2L], minute.Count);
        Assert.Equal([Midnight - 90_000, Midnight - 30_000, Midnight, Midnight + 90_000, Midnight + 3_570_000, Midnight + 3_600_000, Midnight + 21_570_000, Midnight + 21_600_000], minute.FirstMs);
        Assert.Equal([Midnight - 90_000, Midnight - 30_000, Midnight + 30_000, Midnight + 90_000, Midnight + 3_570_000, Midnight + 3_630_000, Midnight + 21_570_000, Midnight + 21_630_000], minute.LastMs);

        var five = await Single(harness, "g", TimeSpan.FromMinutes(5), Midnight - 300_000, Midnight + 86_400_000);
        Assert.Equal([Midnight - 300_000, Midnight, Midnight + 3_300_000, Midnight + 3_600_000, Midnight + 21_300_000, Midnight + 21_600_000], five.BucketStartMs);
        Assert.Equal([2L, 3L, 1L, 2L, 1L, 2L], five.Count);
        var hour = await Single(harness, "g", TimeSpan.FromHours(1), Midnight - 3_600_000, Midnight + 86_400_000);
        Assert.Equal([Midnight - 3_600_000, Midnight, Midnight + 3_600_000, Midnight + 18_000_000, Midnight + 21_600_000], hour.BucketStartMs);
        Assert.Equal([3.0, 18.0, 15.0, 9.0, 21.0], hour.Sum);

        // A range that starts and ends inside chunks gets only the buckets starting within it, on both sides of midnight.
        var cut = await Single(harness, "g", TimeSpan.FromMinutes(1), Midnight - 60_000, Midnight + 3_540_000);
        Assert.Equal([Midnight - 60_000, Midnight, Midnight + 60_000, Midnight + 3_540_000], cut.BucketStartMs);
        var inner = await Single(harness, "g", TimeSpan.FromMinutes(5), Midnight + 1, Midnight + 21_599_999);
        Assert.Equal([Midnight + 3_300_000, Midnight + 3_600_000, Midnight + 21_300_000], inner.BucketStartMs);
        Assert.Empty(await harness.Metrics.SelectRollupsAsync(Select("g", Midnight + 60_001, Midnight + 3_539_999), TimeSpan.FromMinutes(1), default));
    }

    [Fact]
    public async Task A_late_sample_recomputes_its_bucket_inside_a_stored_chunk_and_keeps_the_others()
    {
        using var harness = new ParquetMetricStoreHarness();
        long start = Midnight + 7_200_000; // 02:00: every minute of it lies inside one stored 1 m chunk and one 5 m chunk
        harness.Flush([.. Enumerable.Range(0, 20).Select(i => MetricSeed.Counter("c", start + (i * 30_000), i * 10))]);
        await harness.FollowAsync();
        var before = await Single(harness, "c", TimeSpan.FromMinutes(1), start, start + 3_600_000);
        Assert.Equal(10, before.BucketStartMs.Length);

        // Between the two stored samples of minute 4 (at 4:00 = 80 and 4:30 = 90): the bucket must be recomputed from raw.
        harness.Flush([MetricSeed.Counter("c", start + 255_000, 85)]);
        await harness.FollowAsync();

        var after = await Single(harness, "c", TimeSpan.FromMinutes(1), start, start + 3_600_000);
        Assert.Equal(before.BucketStartMs, after.BucketStartMs);
        Assert.Equal(3L, after.Count[4]);
        Assert.Equal(255.0, after.Sum[4]);
        Assert.Equal((80.0, 90.0, 10.0), (after.First[4], after.Last[4], after.Increase[4]));
        for (int b = 0; b < before.BucketStartMs.Length; b++)
        {
            if (b != 4)
            {
                Assert.Equal((before.Count[b], before.Sum[b], before.FirstMs[b], before.LastMs[b]), (after.Count[b], after.Sum[b], after.FirstMs[b], after.LastMs[b]));
            }
        }

        var five = await Single(harness, "c", TimeSpan.FromMinutes(5), start, start + 3_600_000);
        Assert.Equal([11L, 10L], five.Count);
        Assert.Equal([(0 + 90) * 10 / 2 + 85.0, (100 + 190) * 10 / 2.0], five.Sum);
    }

    [Fact]
    public async Task NaN_and_infinities_survive_the_packing()
    {
        using var harness = new ParquetMetricStoreHarness();
        long start = Midnight + 600_000;
        harness.Flush(
        [
            MetricSeed.Gauge("n", start, double.NaN), MetricSeed.Gauge("n", start + 15_000, double.NaN),
            MetricSeed.Gauge("n", start + 60_000, double.PositiveInfinity), MetricSeed.Gauge("n", start + 75_000, double.NaN),
            MetricSeed.Gauge("n", start + 120_000, 1.5), MetricSeed.Gauge("n", start + 135_000, double.NegativeInfinity),
        ]);
        await harness.FollowAsync();

        var minute = await Single(harness, "n", TimeSpan.FromMinutes(1), start, start + 3_600_000);
        Assert.Equal([start, start + 60_000, start + 120_000], minute.BucketStartMs);
        Assert.All(new[] { minute.Min[0], minute.Max[0], minute.Sum[0], minute.First[0], minute.Last[0] }, v => Assert.True(double.IsNaN(v)));
        Assert.Equal((double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity), (minute.Min[1], minute.Max[1], minute.First[1]));
        Assert.True(double.IsNaN(minute.Sum[1]) && double.IsNaN(minute.Last[1]));
        Assert.Equal((double.NegativeInfinity, double.NegativeInfinity), (minute.Min[2], minute.Last[2]));
        Assert.Equal(1.5, minute.First[2]);

        // And bit for bit through the codec, NaN payloads included.
        double odd = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8_0000_DEAD_BEEF));
        long chunk = Midnight - 3_600_000, bucketMs = Midnight - 60_000; // the last slot of a 1 h chunk of 1 m buckets
        var bucket = new RollupBucket { Min = double.NaN, Max = odd, Sum = -0.0, Count = 3, First = double.Epsilon, FirstMs = bucketMs + 1, Last = double.MaxValue, LastMs = bucketMs + 59_999, Resets = double.NegativeInfinity };
        var slots = new RollupBucket[60];
        var present = new bool[60];
        slots[59] = bucket;
        present[59] = true;
        byte[] packed = RollupChunk.Pack(chunk, 60_000, slots, present, out int count);
        var decoded = new List<(long BucketMs, RollupBucket Bucket)>();
        RollupChunk.Decode(packed, chunk, 60_000, long.MinValue, long.MaxValue, decoded);
        Assert.Equal((1, RollupChunk.RecordSize), (count, packed.Length));
        var (at, back) = Assert.Single(decoded);
        Assert.Equal(bucketMs, at);
        Assert.Equal(
            new[] { bucket.Min, bucket.Max, bucket.Sum, bucket.First, bucket.Last, bucket.Resets }.Select(BitConverter.DoubleToInt64Bits),
            new[] { back.Min, back.Max, back.Sum, back.First, back.Last, back.Resets }.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal((bucket.Count, bucket.FirstMs, bucket.LastMs), (back.Count, back.FirstMs, back.LastMs));
    }

    [Fact]
    public async Task Retention_drops_exactly_the_chunks_of_the_dropped_day()
    {
        using var harness = new ParquetMetricStoreHarness();
        harness.Flush(
        [
            MetricSeed.Gauge("r", Midnight - 45_000, 1), MetricSeed.Gauge("r", Midnight - 1, 2),
            MetricSeed.Gauge("r", Midnight, 3), MetricSeed.Gauge("r", Midnight + 61_000, 4),
        ]);
        await harness.FollowAsync();
        Assert.Equal(6L, ChunkRows(harness, long.MinValue, long.MaxValue)); // per resolution one chunk on each side

        var now = DateTime.UnixEpoch.AddMilliseconds(Midnight).AddDays(5);
        harness.Telemetry.ApplyRetention(1, retentionDays: 5, now: now, grace: TimeSpan.FromMinutes(1));
        await harness.FollowAsync();

        Assert.Equal(0L, ChunkRows(harness, long.MinValue, Midnight - 1));
        Assert.Equal(3L, ChunkRows(harness, Midnight, long.MaxValue));
        foreach (var resolution in Resolutions)
        {
            var kept = await Single(harness, "r", resolution, Midnight - 86_400_000, Midnight + 86_400_000);
            Assert.Equal(Midnight, kept.BucketStartMs[0]);
            Assert.Equal(7.0, kept.Sum.Sum());
        }
    }

    [Fact]
    public async Task The_limit_counts_the_buckets_in_the_range_not_the_chunks()
    {
        using var harness = new ParquetMetricStoreHarness();
        // One sample a minute from 23:00 to 02:59: three 1 h chunks of 1 m buckets plus the one before midnight.
        harness.Flush([.. Enumerable.Range(0, 240).Select(i => MetricSeed.Gauge("l", Midnight - 3_600_000 + (i * 60_000) + 5_000, i))]);
        harness.Flush([.. Enumerable.Range(0, 240).Select(i => MetricSeed.Gauge("l", Midnight - 3_600_000 + (i * 60_000) + 5_000, i, ("copy", "2")))]);
        // A sparse third series: ten buckets early in the 23:00 chunk, outside the range below, and one at 03:30 (so it
        // is seen in the range and matched): its cut chunk's present count overstates what is in range.
        harness.Flush([.. Enumerable.Range(0, 10).Select(i => MetricSeed.Gauge("l", Midnight - 3_600_000 + (i * 60_000), i, ("copy", "3"))),
            MetricSeed.Gauge("l", Midnight + 12_600_000, 1, ("copy", "3"))]);
        await harness.FollowAsync();

        // 23:30 … 01:45: 30 + 60 + 46 = 136 buckets per series, cutting the first and the last chunk.
        long from = Midnight - 1_800_000, to = Midnight + 6_300_000;
        var request = Select("l", from, to);
        var answer = await harness.Metrics.SelectRollupsAsync(request with { MaxSamples = 272 }, TimeSpan.FromMinutes(1), default);
        Assert.Equal([136, 136], answer.Select(s => s.BucketStartMs.Length));

        var refused = await Assert.ThrowsAsync<MetricQueryLimitException>(
            () => harness.Metrics.SelectRollupsAsync(request with { MaxSamples = 271 }, TimeSpan.FromMinutes(1), default));
        Assert.Contains("272 rollup buckets", refused.Message, StringComparison.Ordinal);

        // The count the limit sees, directly: whole chunks from their present count, cut ones from their slots.
        var catalog = new MetricCatalog(ParquetMetricStore.CatalogPath(harness.Telemetry.Data));
        var ids = catalog.Match(1, [new CompiledSelector([new LabelMatcher("__name__", LabelMatchType.Equal, "l")])], null, null).Select(s => s.Id).ToList();
        Assert.Null(catalog.CountBucketsOver(ids, 60_000, from, to, 272));
        Assert.Equal(272L, catalog.CountBucketsOver(ids, 60_000, from, to, 271));
        Assert.Equal(240L + 240 + 10 + 1, catalog.CountBucketsOver(ids, 60_000, long.MinValue / 4, long.MaxValue / 4, 0));
        Assert.Equal(2L, catalog.CountBucketsOver(ids, 60_000, Midnight, Midnight, 1));
        Assert.Null(catalog.CountBucketsOver(ids, 60_000, Midnight + 1, Midnight + 59_999, 0));
        // 1 h buckets in 1-day chunks, both cut: only 00:00 and 01:00 of the two dense series start in the range.
        Assert.Equal(4L, catalog.CountBucketsOver(ids, 3_600_000, from, to, 0));
    }

    [Fact]
    public async Task A_catalog_of_one_row_per_bucket_migrates_refollows_and_answers_the_same()
    {
        using var dir = new Support.TempDirectory();
        var answers = new Dictionary<string, string>();
        string catalogPath;
        int series, days, labels;
        using (var harness = new ParquetMetricStoreHarness(dir.Path))
        {
            var random = new Random(5);
            double counter = 0;
            for (int flush = 0; flush < 12; flush++)
            {
                var batch = new List<MetricSeed>();
                for (int i = 0; i < 40; i++)
                {
                    long t = Midnight - 3_600_000 + (((flush * 40) + i) * 15_000);
                    counter = random.NextDouble() < 0.05 ? 0 : counter + random.Next(1, 9);
                    batch.Add(MetricSeed.Counter("m_total", t, counter, ("job", "a")));
                    batch.Add(MetricSeed.Gauge("m_gauge", t, random.NextDouble() < 0.1 ? double.NaN : Math.Round(random.NextDouble() * 100, 3), ("job", "b")));
                }

                harness.Flush(batch);
                if (flush % 4 == 3)
                {
                    await harness.FollowAsync();
                }
            }

            await harness.FollowAsync();
            await Describe(harness, answers);
            catalogPath = ParquetMetricStore.CatalogPath(harness.Telemetry.Data);
            (series, days, labels) = (Scalar(catalogPath, "series"), Scalar(catalogPath, "series_days"), Scalar(catalogPath, "series_labels"));
        }

        WriteOldFormat(catalogPath);
        Assert.Equal(1L, Pragma(catalogPath, "user_version"));

        using (var reopened = new ParquetMetricStoreHarness(dir.Path))
        {
            Assert.Equal(2L, Pragma(catalogPath, "user_version"));
            Assert.False(reopened.Metrics.IsCaughtUp); // the watermark was reset: the follower rebuilds the rollups
            Assert.Equal(0, Scalar(catalogPath, "rollup_chunks"));

            // Meanwhile, reads recompute what the follower has not passed yet from raw samples.
            var during = new Dictionary<string, string>();
            await Describe(reopened, during);
            Assert.Equal(answers, during);

            await reopened.FollowAsync();
            Assert.True(reopened.Metrics.IsCaughtUp);
            var after = new Dictionary<string, string>();
            await Describe(reopened, after);
            Assert.Equal(answers, after);
            Assert.Equal((series, days, labels), (Scalar(catalogPath, "series"), Scalar(catalogPath, "series_days"), Scalar(catalogPath, "series_labels")));
        }
    }

    // Turns a current catalog into what 0001_catalog.sql made: the same series, labels, days and watermark, and the
    // rollups one row per bucket (NULL for NaN), at user_version 1.
    private static void WriteOldFormat(string path)
    {
        var buckets = new List<(long Id, long Resolution, long Start, RollupBucket Bucket)>();
        var catalog = new MetricCatalog(path);
        var ids = catalog.Match(1, [], null, null).Select(s => s.Id).ToList();
        foreach (long resolution in MetricFollower.Resolutions)
        {
            foreach (var (id, list) in catalog.ReadBuckets(ids, resolution, long.MinValue / 4, long.MaxValue / 4))
            {
                buckets.AddRange(list.Select(b => (id, resolution, b.BucketMs, b.Bucket)));
            }
        }

        Assert.NotEmpty(buckets);
        string old = path + ".old";
        using (var connection = new SqliteConnection($"Data Source={old};Pooling=False"))
        {
            connection.Open();
            using var resource = typeof(MetricCatalog).Assembly.GetManifestResourceStream("AegisGuard.Storage.Parquet.Metrics.Migrations.0001_catalog.sql")!;
            Exec(connection, new StreamReader(resource).ReadToEnd() + "\nPRAGMA user_version = 1;");
            Exec(connection, $"""
                ATTACH DATABASE '{path.Replace("'", "''", StringComparison.Ordinal)}' AS cur;
                INSERT INTO series SELECT * FROM cur.series;
                INSERT INTO series_labels SELECT * FROM cur.series_labels;
                INSERT INTO series_days SELECT * FROM cur.series_days;
                INSERT INTO positions SELECT * FROM cur.positions;
                DETACH DATABASE cur;
                """);
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO rollups (series_id, resolution_ms, bucket_ms, min, max, sum, count, first, first_ms, last, last_ms, resets)
                VALUES ($id, $res, $bucket, $min, $max, $sum, $count, $first, $first_ms, $last, $last_ms, $resets)
                """;
            foreach (var (id, resolution, start, b) in buckets)
            {
                insert.Parameters.Clear();
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$res", resolution);
                insert.Parameters.AddWithValue("$bucket", start);
                insert.Parameters.AddWithValue("$min", Real(b.Min));
                insert.Parameters.AddWithValue("$max", Real(b.Max));
                insert.Parameters.AddWithValue("$sum", Real(b.Sum));
                insert.Parameters.AddWithValue("$count", b.Count);
                insert.Parameters.AddWithValue("$first", Real(b.First));
                insert.Parameters.AddWithValue("$first_ms", b.FirstMs);
                insert.Parameters.AddWithValue("$last", Real(b.Last));
                insert.Parameters.AddWithValue("$last_ms", b.LastMs);
                insert.Parameters.AddWithValue("$resets", Real(b.Resets));
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }

        File.Move(old, path);
    }

    private static object Real(double value) => double.IsNaN(value) ? DBNull.Value : value;

    private static async Task Describe(ParquetMetricStoreHarness harness, Dictionary<string, string> into)
    {
        foreach (string metric in new[] { "m_total", "m_gauge" })
        {
            foreach (var resolution in Resolutions)
            {
                foreach (var s in await harness.Metrics.SelectRollupsAsync(Select(metric, Midnight - 86_400_000, Midnight + 86_400_000), resolution, default))
                {
                    // Sums rounded to 9 significant digits: the re-follow adds the same samples in other step sizes.
                    into[$"{metric} {resolution} {string.Join(",", s.Labels)}"] = string.Join(" | ",
                        string.Join(",", s.BucketStartMs), string.Join(",", s.Count), string.Join(",", s.FirstMs), string.Join(",", s.LastMs),
                        Numbers(s.Min), Numbers(s.Max), Numbers(s.Sum), Numbers(s.First), Numbers(s.Last), Numbers(s.Increase));
                }
            }
        }

        foreach (var info in await harness.Metrics.SeriesAsync(new MetricCatalogRequest { OrgId = 1 }, default))
        {
            into[$"series {string.Join(",", info.Labels)}"] = $"{info.Type} {info.LastSeenMs}";
        }
    }

    private static string Numbers(double[] values) => string.Join(",", values.Select(v => v.ToString("G9", CultureInfo.InvariantCulture)));

    private static async Task<MetricRollupSeries> Single(ParquetMetricStoreHarness harness, string metric, TimeSpan resolution, long from, long to) =>
        Assert.Single(await harness.Metrics.SelectRollupsAsync(Select(metric, from, to), resolution, default));

    private static MetricSelectRequest Select(string metric, long from, long to) =>
        new() { OrgId = 1, Matchers = [new LabelMatcher("__name__", LabelMatchType.Equal, metric)], FromMs = from, ToMs = to };

    private static long ChunkRows(ParquetMetricStoreHarness harness, long from, long to)
    {
        using var connection = new SqliteConnection($"Data Source={ParquetMetricStore.CatalogPath(harness.Telemetry.Data)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM rollup_chunks WHERE chunk_ms BETWEEN $from AND $to";
        command.Parameters.AddWithValue("$from", from);
        command.Parameters.AddWithValue("$to", to);
        return (long)command.ExecuteScalar()!;
    }

    private static int Scalar(string path, string table)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (int)(long)command.ExecuteScalar()!;
    }

    private static long Pragma(string path, string name)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return (long)command.ExecuteScalar()!;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

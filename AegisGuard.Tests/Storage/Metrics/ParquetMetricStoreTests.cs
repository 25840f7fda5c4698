using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Parquet.Metrics;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// The Parquet store's own promises beyond the contract: rollups built incrementally by the follower equal aggregates of
/// the raw samples, a crash in the middle of a step neither loses nor double-counts, retention and damaged files are
/// followed.
/// </summary>
public sealed class ParquetMetricStoreTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly TimeSpan[] Resolutions = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)];

    [Fact]
    public async Task Rollups_built_flush_by_flush_equal_aggregates_of_the_raw_samples()
    {
        using var harness = new ParquetMetricStoreHarness();
        var batches = GeneratedBatches(new Random(42));
        foreach (var batch in batches)
        {
            harness.Flush(batch);
            if (batch.Count % 3 == 0)
            {
                // Follow now and then, so buckets span steps (partials merged) and late samples land in stored buckets.
                await harness.FollowAsync();
            }
        }

        await harness.FollowAsync();

        await AssertRollupsEqualRaw(harness.Metrics, ["requests_total", "temperature", "latency_bucket", "latency_sum", "latency_count"]);
    }

    [Fact]
    public async Task A_crash_before_a_step_commits_neither_loses_nor_double_counts_after_a_restart()
    {
        var batches = GeneratedBatches(new Random(7));
        using var dir = new Support.TempDirectory();
        int half = batches.Count / 2;
        using (var harness = new ParquetMetricStoreHarness(dir.Path))
        {
            foreach (var batch in batches.Take(half))
            {
                harness.Flush(batch);
            }

            await harness.FollowAsync();
            foreach (var batch in batches.Skip(half))
            {
                harness.Flush(batch);
            }

            harness.Metrics.BeforeFollowCommit = () => throw new IOException("killed in the middle of a step");
            await Assert.ThrowsAsync<IOException>(() => harness.Metrics.FollowOnceAsync(CancellationToken.None));
        }

        using var reopened = new ParquetMetricStoreHarness(dir.Path);
        Assert.False(reopened.Metrics.IsCaughtUp);
        await reopened.FollowAsync();
        Assert.True(reopened.Metrics.IsCaughtUp);

        await AssertRollupsEqualRaw(reopened.Metrics, ["requests_total", "temperature", "latency_bucket"]);
        long rawSamples = (await reopened.Metrics.SelectAsync(Select("requests_total"), default)).Sum(s => s.Values.Length);
        long rolledUp = (await reopened.Metrics.SelectRollupsAsync(Select("requests_total"), TimeSpan.FromHours(1), default)).Sum(s => s.Count.Sum());
        Assert.Equal(rawSamples, rolledUp);
    }

    [Fact]
    public async Task Retention_removes_old_days_from_rollups_and_series_whose_last_sample_went()
    {
        using var harness = new ParquetMetricStoreHarness();
        long old = T0 - (10 * 86_400_000L);
        harness.Flush([MetricSeed.Gauge("gone", old, 1), MetricSeed.Gauge("kept", old, 1), MetricSeed.Gauge("kept", T0 + 60_000, 2)]);
        await harness.FollowAsync();
        Assert.Equal(["gone", "kept"], await harness.Metrics.LabelValuesAsync("__name__", new MetricCatalogRequest { OrgId = 1 }, default));

        harness.Telemetry.ApplyRetention(1, retentionDays: 5, now: DateTime.UnixEpoch.AddMilliseconds(T0), grace: TimeSpan.FromMinutes(1));
        await harness.FollowAsync();

        Assert.Equal(["kept"], await harness.Metrics.LabelValuesAsync("__name__", new MetricCatalogRequest { OrgId = 1 }, default));
        var kept = (await harness.Metrics.SelectRollupsAsync(Select("kept", old - 1, T0 + 86_400_000), TimeSpan.FromMinutes(1), default)).Single();
        Assert.Equal([T0 + 60_000], kept.BucketStartMs);
        Assert.Empty(await harness.Metrics.SelectRollupsAsync(Select("gone", old - 1, T0), TimeSpan.FromHours(1), default));
        Assert.Equal(T0 + 60_000, (await harness.Metrics.SeriesAsync(new MetricCatalogRequest { OrgId = 1 }, default)).Single().LastSeenMs);
    }

    [Fact]
    public async Task A_missing_file_does_not_stop_the_follower()
    {
        using var harness = new ParquetMetricStoreHarness();
        harness.Flush([MetricSeed.Gauge("lost", T0, 1)]);
        harness.Flush([MetricSeed.Gauge("fine", T0 + 86_400_000, 1)]);
        var lost = harness.Telemetry.Manifest.ListFiles(Signal.Metrics, 1, DateTime.UnixEpoch.AddMilliseconds(T0), DateTime.UnixEpoch.AddMilliseconds(T0 + 1000)).Single();
        File.Delete(Path.Combine(harness.Telemetry.TelemetryRoot, lost.Path));

        await harness.FollowAsync();

        Assert.True(harness.Metrics.IsCaughtUp);
        Assert.Equal(["fine"], await harness.Metrics.LabelValuesAsync("__name__", new MetricCatalogRequest { OrgId = 1 }, default));
        Assert.Contains(harness.Telemetry.DamagedFiles(), d => d.Path == lost.Path);
    }

    [Fact]
    public async Task Compacted_files_are_not_counted_again()
    {
        using var harness = new ParquetMetricStoreHarness();
        for (int i = 0; i < 4; i++)
        {
            harness.Flush([MetricSeed.Counter("c", T0 + (i * 10_000), i)]);
        }

        await harness.FollowAsync();
        Assert.Equal(1, harness.Telemetry.Compact(minFiles: 2, grace: TimeSpan.Zero, CancellationToken.None));
        harness.Flush([MetricSeed.Counter("c", T0 + 40_000, 4)]);
        await harness.FollowAsync();

        var minute = (await harness.Metrics.SelectRollupsAsync(Select("c"), TimeSpan.FromMinutes(1), default)).Single();
        Assert.Equal([5L], minute.Count);
        Assert.Equal([10.0], minute.Sum);
    }

    [Fact]
    public async Task A_new_series_is_queryable_once_the_follower_passed_its_flush()
    {
        using var harness = new ParquetMetricStoreHarness();
        long stored = harness.Flush([MetricSeed.Gauge("fresh", T0, 1)]);
        Assert.False(harness.Metrics.IsCaughtUp);

        var waiting = harness.Metrics.WaitForAsync(stored, CancellationToken.None);
        await harness.Metrics.FollowOnceAsync(CancellationToken.None);
        await waiting;

        Assert.Equal(stored, harness.Metrics.FollowedUntil);
        Assert.Single(await harness.Metrics.SelectAsync(Select("fresh"), default));
    }

    private static async Task AssertRollupsEqualRaw(ParquetMetricStore store, string[] metrics)
    {
        foreach (string metric in metrics)
        {
            var raw = await store.SelectAsync(Select(metric), default);
            Assert.NotEmpty(raw);
            foreach (var resolution in Resolutions)
            {
                var rollups = await store.SelectRollupsAsync(Select(metric), resolution, default);
                Assert.Equal(raw.Select(s => s.Labels), rollups.Select(s => s.Labels));
                for (int s = 0; s < raw.Count; s++)
                {
                    var expected = Expected(raw[s], (long)resolution.TotalMilliseconds);
                    var actual = rollups[s];
                    Assert.Equal(expected.Select(b => b.Start), actual.BucketStartMs);
                    for (int b = 0; b < expected.Count; b++)
                    {
                        string where = $"{metric} {string.Join(",", raw[s].Labels)} at {resolution} bucket {expected[b].Start}";
                        var e = expected[b];
                        Assert.True(e.Count == actual.Count[b], $"count of {where}: {e.Count} != {actual.Count[b]}");
                        Close(e.Min, actual.Min[b], "min", where);
                        Close(e.Max, actual.Max[b], "max", where);
                        Close(e.Sum, actual.Sum[b], "sum", where);
                        Close(e.First, actual.First[b], "first", where);
                        Close(e.Last, actual.Last[b], "last", where);
                        Close(e.Increase, actual.Increase[b], "increase", where);
                        Assert.Equal((e.FirstMs, e.LastMs), (actual.FirstMs[b], actual.LastMs[b]));
                    }
                }
            }
        }
    }

    // The aggregates computed directly from the raw samples, sample by sample, as Prometheus' functions would.
    private static List<(long Start, double Min, double Max, double Sum, long Count, double First, long FirstMs, double Last, long LastMs, double Increase)> Expected(MetricSeriesSamples series, long resolution)
    {
        var result = new List<(long, double, double, double, long, double, long, double, long, double)>();
        foreach (var group in series.TimestampsMs.Select((t, i) => (t, v: series.Values[i])).GroupBy(x => x.t - (((x.t % resolution) + resolution) % resolution)))
        {
            var samples = group.ToList();
            double min = samples[0].v, max = samples[0].v, sum = 0, resets = 0, previous = 0;
            foreach (var (_, v) in samples)
            {
                if (v < min || double.IsNaN(min))
                {
                    min = v;
                }

                if (v > max || double.IsNaN(max))
                {
                    max = v;
                }

                sum += v;
                if (v < previous)
                {
                    resets += previous;
                }

                previous = v;
            }

            result.Add((group.Key, min, max, sum, samples.Count, samples[0].v, samples[0].t, samples[^1].v, samples[^1].t, samples[^1].v - samples[0].v + resets));
        }

        return result;
    }

    private static void Close(double expected, double actual, string what, string where)
    {
        bool same = (double.IsNaN(expected) && double.IsNaN(actual))
            || expected.Equals(actual)
            || Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(expected), Math.Abs(actual)));
        Assert.True(same, $"{what} of {where}: expected {expected}, got {actual}");
    }

    /// <summary>
    /// Three hours of a counter (with resets), a gauge (with NaN) and a histogram at 15 s, with gaps, in batches of
    /// random size; some batches also carry a late sample and a repeated timestamp with a new value.
    /// </summary>
    private static List<List<MetricSeed>> GeneratedBatches(Random random)
    {
        var samples = new List<MetricSeed>();
        double counter = 0;
        long histogramCount = 0;
        double histogramSum = 0;
        for (long t = T0; t < T0 + (3 * 3_600_000); t += 15_000)
        {
            if (random.NextDouble() < 0.1)
            {
                continue;
            }

            counter = random.NextDouble() < 0.03 ? random.Next(0, 3) : counter + random.Next(0, 50);
            samples.Add(MetricSeed.Counter("requests_total", t, counter, ("service", "api")));
            samples.Add(MetricSeed.Counter("requests_total", t, counter * 2, ("service", "web")));
            samples.Add(MetricSeed.Gauge("temperature", t, random.NextDouble() < 0.05 ? double.NaN : Math.Round((random.NextDouble() * 40) - 10, 2), ("room", "a")));
            histogramCount += random.Next(0, 10);
            histogramSum += random.NextDouble() * 5;
            long low = histogramCount / 3, mid = histogramCount * 2 / 3;
            samples.Add(new MetricSeed(1, "latency", "histogram", new Dictionary<string, string> { ["job"] = "api" }, t, histogramSum)
            {
                Bounds = [0.1, 1, double.PositiveInfinity],
                BucketCounts = [low, mid, histogramCount],
                Count = histogramCount,
            });
        }

        var batches = new List<List<MetricSeed>>();
        int at = 0;
        while (at < samples.Count)
        {
            int size = Math.Min(random.Next(1, 120), samples.Count - at);
            var batch = samples.GetRange(at, size);
            at += size;
            if (at > 200 && random.NextDouble() < 0.2)
            {
                var earlier = samples[random.Next(0, at - size)];
                batch.Add(earlier with { Value = earlier.Value + 1000 }); // a repeated timestamp: this one wins
                batch.Add(earlier with { TimeMs = earlier.TimeMs + 1, Value = 7 }); // a late sample between stored ones
            }

            batches.Add(batch);
        }

        return batches;
    }

    private static MetricSelectRequest Select(string metric, long from = long.MinValue / 4, long to = long.MaxValue / 4) =>
        new() { OrgId = 1, Matchers = [new LabelMatcher("__name__", LabelMatchType.Equal, metric)], FromMs = from, ToMs = to };
}

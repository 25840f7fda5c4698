using AegisGuard.Storage.Metrics;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// Raw reads see a flush at once, the follower adds it to the stored rollups about a second later: rollup reads in
/// between must already include it, or PromQL would answer differently from rollups than from raw samples.
/// </summary>
public sealed class ParquetRollupFreshnessTests : IDisposable
{
    // A whole minute (and 5 minutes), so the buckets below are easy to name.
    private const long T0 = 1_699_999_800_000;

    private readonly ParquetMetricStoreHarness harness = new();

    [Fact]
    public async Task Rollups_include_rows_flushed_but_not_yet_followed()
    {
        harness.Flush([Counter(0, 1), Counter(15, 3), Counter(30, 5), Gauge(0, 7)]);
        await harness.FollowAsync();
        harness.Flush([Counter(45, 2), Counter(60, 4), Counter(75, 6), Counter(130, 1)]);
        Assert.False(harness.Metrics.IsCaughtUp);

        var minutes = await Rollups(TimeSpan.FromMinutes(1));
        var minute = minutes.Single(s => s.Labels.Any(l => l.Value == "c"));
        Assert.Equal([T0, T0 + 60_000, T0 + 120_000], minute.BucketStartMs);
        Assert.Equal([4L, 2L, 1L], minute.Count);
        Assert.Equal([11.0, 10.0, 1.0], minute.Sum);
        Assert.Equal([6.0, 2.0, 0.0], minute.Increase);
        Assert.Equal([T0 + 45_000, T0 + 75_000, T0 + 130_000], minute.LastMs);
        var fives = await Rollups(TimeSpan.FromMinutes(5));
        Assert.Equal(7L, fives.Single(s => s.Labels.Any(l => l.Value == "c")).Count.Single());
        Assert.Equal([7.0], fives.Single(s => s.Labels.Any(l => l.Value == "g")).Sum);

        // Once followed, the stored buckets are exactly what was answered before.
        await harness.FollowAsync();
        Assert.True(harness.Metrics.IsCaughtUp);
        Assert.Equal(Describe(minutes), Describe(await Rollups(TimeSpan.FromMinutes(1))));
        Assert.Equal(Describe(fives), Describe(await Rollups(TimeSpan.FromMinutes(5))));
    }

    public void Dispose() => harness.Dispose();

    private static MetricSeed Counter(int second, double value) => MetricSeed.Counter("c", T0 + (second * 1000L), value);

    private static MetricSeed Gauge(int second, double value) => MetricSeed.Gauge("g", T0 + (second * 1000L), value);

    private Task<IReadOnlyList<MetricRollupSeries>> Rollups(TimeSpan resolution) => harness.Metrics.SelectRollupsAsync(new MetricSelectRequest
    {
        OrgId = 1,
        Matchers = [new LabelMatcher("__name__", LabelMatchType.Regex, "c|g")],
        FromMs = T0 - 3_600_000,
        ToMs = T0 + 3_600_000,
    }, resolution, default);

    private static string Describe(IReadOnlyList<MetricRollupSeries> series) => string.Join("\n", series.Select(s =>
        $"{string.Join(",", s.Labels)}: {string.Join(",", s.BucketStartMs)} | {string.Join(",", s.Count)} | {string.Join(",", s.Sum)} | " +
        $"{string.Join(",", s.Min)} | {string.Join(",", s.Max)} | {string.Join(",", s.First)} | {string.Join(",", s.FirstMs)} | " +
        $"{string.Join(",", s.Last)} | {string.Join(",", s.LastMs)} | {string.Join(",", s.Increase)}"));
}

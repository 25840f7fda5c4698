using AegisGuard.Query.PromQl;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Issue #11: the engine picks raw or a rollup by range and step, and the answer is the same either way. Over the
/// in-memory store (which also holds NaN and stale markers), every query is evaluated with rollups allowed and forced
/// raw, at steps 1 m, 5 m and 1 h, over windows [1m], [5m] and [1h].
/// </summary>
public sealed class RollupEqualityTests
{
    private const int OrgId = 1;

    // 2023-11-14T21:00:00Z: hour-aligned, so the query start is aligned to every resolution.
    private const long Base = 1_699_995_600_000;

    private static readonly Lazy<InMemoryMetricStore> Store = new(() =>
    {
        var store = new InMemoryMetricStore();
        new RollupScenario(Base).LoadInto(store, OrgId, withNonFinite: true);
        return store;
    });

    private static long Start => Base + 3_600_000;

    private static long End => Base + (RollupScenario.Hours * 3_600_000L);

    [Fact]
    public async Task Min_max_count_last_present_delta_and_reset_free_rates_from_rollups_equal_raw_bit_for_bit()
    {
        await AssertSameAsync(RollupEquality.ExactQueries(), tolerance: 0);
    }

    [Fact]
    public async Task Sums_averages_rates_across_resets_and_histogram_quantiles_from_rollups_equal_raw_within_float_rounding()
    {
        await AssertSameAsync(RollupEquality.RoundedQueries(), tolerance: 1e-12);
    }

    [Fact]
    public async Task A_series_holding_NaN_is_read_raw_and_the_others_from_rollups_with_the_same_answer()
    {
        var (differences, points, reads) = await RollupEquality.CompareAsync(Store.Value, OrgId, "max_over_time(g[5m])", Start, End, 300_000, 0);

        Assert.Empty(differences);
        Assert.True(points > 250, $"only {points} points compared");
        var read = Assert.Single(reads);
        Assert.Equal(300_000, read.RollupResolutionMs);
        Assert.Equal(1, read.RawSeries);
        Assert.Equal(4, read.RollupSeries);

        // The NaN series' answer is Prometheus' (NaN ignored by max_over_time unless the window holds only NaN).
        var answer = await RollupEquality.Engine(Store.Value, useRollups: true).RangeAsync(OrgId, "max_over_time(g{service=\"nan\"}[5m])", Start, End, 300_000, default);
        Assert.All(Assert.Single(answer.Matrix).Values, v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public async Task Stale_markers_are_left_out_of_rollup_windows_as_out_of_raw_ones()
    {
        foreach (string query in new[] { "count_over_time(g{service=\"stale\"}[1m])", "rate(http_requests_total{service=\"stale\"}[5m])", "last_over_time(g{service=\"stale\"}[5m])" })
        {
            var (differences, points, reads) = await RollupEquality.CompareAsync(Store.Value, OrgId, query, Start, End, 60_000, 0);
            Assert.Empty(differences);
            Assert.True(points > 200, $"{query}: only {points} points compared");
            Assert.NotNull(Assert.Single(reads).RollupResolutionMs);
        }
    }

    [Fact]
    public async Task An_instant_query_at_an_aligned_time_reads_rollups_and_answers_as_raw()
    {
        const string query = "sum by (service) (rate(http_requests_total[5m]))";
        long at = Base + (3 * 3_600_000L);
        var rolled = await RollupEquality.Engine(Store.Value, useRollups: true).InstantAsync(OrgId, query, at, default);
        var raw = await RollupEquality.Engine(Store.Value, useRollups: false).InstantAsync(OrgId, query, at, default);

        Assert.Equal(300_000, Assert.Single(rolled.Reads).RollupResolutionMs);
        Assert.Null(Assert.Single(raw.Reads).RollupResolutionMs);
        Assert.Equal(4, rolled.Vector.Count);
        Assert.Equal(raw.Vector.Select(s => string.Join(",", s.Labels)), rolled.Vector.Select(s => string.Join(",", s.Labels)));
        Assert.All(raw.Vector.Zip(rolled.Vector), p => Assert.True(RollupEquality.Same(p.First.Value, p.Second.Value, 1e-12), $"raw {p.First.Value:R}, rollups {p.Second.Value:R}"));
        Assert.True(rolled.SamplesRead * 5 < raw.SamplesRead, $"rollups read {rolled.SamplesRead} buckets, raw {raw.SamplesRead} samples");
    }

    [Theory]
    [InlineData("rate(http_requests_total[1h])", 0, 3_600_000, 3_600_000L)]
    [InlineData("rate(http_requests_total[1h])", 0, 300_000, 300_000L)]
    [InlineData("rate(http_requests_total[5m])", 0, 3_600_000, 300_000L)]
    [InlineData("increase(http_requests_total[5m])", 0, 60_000, 60_000L)]
    [InlineData("avg_over_time(g[2h])", 0, 3_600_000, 3_600_000L)]
    [InlineData("rate(http_requests_total[5m] offset 1m)", 0, 300_000, 60_000L)]
    [InlineData("max_over_time(g[1h] @ 1700006400)", 0, 15_000, 3_600_000L)]
    [InlineData("rate(http_requests_total[5m])", 0, 15_000, null)]
    [InlineData("rate(http_requests_total[5m])", 30_000, 60_000, null)]
    [InlineData("rate(http_requests_total[5m] offset 30s)", 0, 60_000, null)]
    [InlineData("rate(http_requests_total[90s])", 0, 60_000, null)]
    [InlineData("irate(http_requests_total[5m])", 0, 300_000, null)]
    [InlineData("changes(g[5m])", 0, 300_000, null)]
    [InlineData("quantile_over_time(0.5, g[5m])", 0, 300_000, null)]
    [InlineData("stddev_over_time(g[1h])", 0, 3_600_000, null)]
    public async Task The_coarsest_resolution_dividing_the_window_the_step_and_every_evaluation_time_is_read(string query, long startShiftMs, long stepMs, long? resolution)
    {
        var (differences, points, reads) = await RollupEquality.CompareAsync(Store.Value, OrgId, query, Start + startShiftMs, Start + 3_600_000, stepMs, 1e-12);

        Assert.Empty(differences);
        Assert.True(points > 0, "nothing compared");
        Assert.Equal(resolution, Assert.Single(reads).RollupResolutionMs);
    }

    [Fact]
    public async Task Forcing_raw_reads_no_rollups()
    {
        var store = new InMemoryMetricStore();
        new RollupScenario(Base).LoadInto(store, OrgId, withNonFinite: false);

        var result = await RollupEquality.Engine(store, useRollups: false).RangeAsync(OrgId, "max_over_time(g[1h])", Start, End, 3_600_000, default);

        Assert.Equal(0, store.RollupCalls);
        Assert.Equal(1, store.RawCalls);
        Assert.NotEmpty(result.Matrix);
        Assert.Equal(new PromQlSelectorRead("g[1h]", "max_over_time", null, 0, 3), Assert.Single(result.Reads));
    }

    private static async Task AssertSameAsync(IEnumerable<string> queries, double tolerance)
    {
        var differences = new List<string>();
        int compared = 0;
        foreach (string query in queries)
        {
            foreach (long step in RollupEquality.StepsMs)
            {
                var (found, points, reads) = await RollupEquality.CompareAsync(Store.Value, OrgId, query, Start, End, step, tolerance);
                differences.AddRange(found);
                compared += points;
                if (points == 0)
                {
                    differences.Add($"{query} step {step / 1000}s: no points at all");
                }

                // Every range function here qualifies: none of them may have fallen back to raw.
                foreach (var read in reads.Where(r => r.Function is not null))
                {
                    if (read.RollupResolutionMs is null || read.RollupSeries == 0)
                    {
                        differences.Add($"{query} step {step / 1000}s: {read.Selector} was not read from rollups");
                    }
                }
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences in {compared} points:\n" + string.Join("\n", differences.Take(30)));
    }
}

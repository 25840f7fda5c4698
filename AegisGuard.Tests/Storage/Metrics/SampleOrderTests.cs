using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Parquet.Metrics;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// A raw read no longer asks DuckDB to sort (it scans files in parallel, so a series' rows come interleaved): each
/// sample carries its ingest position and the series is put in time order afterwards, the last ingested sample winning
/// at equal times — as Prometheus keeps the last write.
/// </summary>
public sealed class SampleOrderTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Samples_in_any_order_come_out_by_time_and_the_last_ingested_wins_at_equal_times()
    {
        var list = new SampleList(Identity());
        // (time, value, address, index), arriving in an order no file gives: later files first, a duplicate time twice.
        list.Add(T0 + 30_000, 3, address: 500, index: 0);
        list.Add(T0 + 45_000, 4, address: 500, index: 1);
        list.Add(T0 + 15_000, 2, address: 100, index: 1);
        list.Add(T0 + 15_000, 20, address: 300, index: 0); // re-sent later: wins
        list.Add(T0, 1, address: 100, index: 0);
        list.Add(T0 + 30_000, 30, address: 200, index: 7); // ingested before the 3 at address 500: loses
        list.Normalize();

        Assert.Equal([T0, T0 + 15_000, T0 + 30_000, T0 + 45_000], list.Times);
        Assert.Equal([1, 20, 3, 4], list.Values);
    }

    [Fact]
    public void At_equal_times_next_to_each_other_the_later_position_wins_whatever_the_arrival_order()
    {
        var list = new SampleList(Identity());
        Assert.True(list.Add(T0, 1, address: 900, index: 2));
        Assert.False(list.Add(T0, 2, address: 900, index: 1)); // earlier in the same batch: loses
        Assert.False(list.Add(T0, 3, address: 100, index: 9)); // earlier batch: loses
        list.Normalize();

        Assert.Equal([T0], list.Times);
        Assert.Equal([1], list.Values);
    }

    [Fact]
    public async Task A_sample_sent_again_in_a_later_flush_replaces_the_earlier_one_in_raw_reads()
    {
        using var harness = new ParquetMetricStoreHarness();
        var first = new List<MetricSeed>();
        var second = new List<MetricSeed>();
        for (int i = 0; i < 40; i++)
        {
            first.Add(MetricSeed.Gauge("temperature", T0 + (i * 15_000), i, ("room", "a")));
            first.Add(MetricSeed.Gauge("temperature", T0 + (i * 15_000), 100 + i, ("room", "b")));
        }

        // The second flush re-sends every fourth sample of room a with a new value and adds later ones.
        for (int i = 0; i < 40; i += 4)
        {
            second.Add(MetricSeed.Gauge("temperature", T0 + (i * 15_000), -i, ("room", "a")));
        }

        for (int i = 40; i < 60; i++)
        {
            second.Add(MetricSeed.Gauge("temperature", T0 + (i * 15_000), i, ("room", "a")));
        }

        harness.Flush(second.Take(5).ToList());
        harness.Flush(first);
        harness.Flush(second.Skip(5).ToList());
        await harness.FollowAsync(); // the catalog names the series a read selects

        var read = await harness.Metrics.SelectAsync(new MetricSelectRequest
        {
            OrgId = 1,
            Matchers = [new LabelMatcher("__name__", LabelMatchType.Equal, "temperature"), new LabelMatcher("room", LabelMatchType.Equal, "a")],
            FromMs = T0,
            ToMs = T0 + 3_600_000,
        }, default);

        var room = Assert.Single(read);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => T0 + (i * 15_000)), room.TimestampsMs);
        // The first five re-sent samples were flushed before `first`, so first's values win there; the rest after it.
        var expected = Enumerable.Range(0, 60).Select(i => (double)(i % 4 == 0 && i < 40 && i >= 20 ? -i : i));
        Assert.Equal(expected, room.Values);
    }

    private static MetricSeriesIdentity Identity()
    {
        var labels = MetricSeriesIdentity.Build("temperature", new Dictionary<string, string>(StringComparer.Ordinal) { ["room"] = "a" }, null);
        return new MetricSeriesIdentity(MetricSeriesIdentity.KeyOf(labels), labels, "temperature", "gauge", "temperature", """{"room":"a"}""");
    }
}

using AegisGuard.Storage.Metrics;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// What every <see cref="IMetricStore"/> must do, whatever it stores samples in: Prometheus' matcher semantics, inclusive
/// ranges, classic histogram exposure, catalog answers, limits, org isolation and rollups. A subclass says how to load
/// samples into its store; batches are ingested in order (a later batch is ingested later).
/// </summary>
public abstract class MetricStoreContract
{
    protected static readonly long T0 = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A store holding exactly these samples, ingested batch by batch, ready to answer (rollups included).</summary>
    protected abstract Task<IMetricStore> StoreWithAsync(IReadOnlyList<IReadOnlyList<MetricSeed>> batches);

    private Task<IMetricStore> StoreWithAsync(params MetricSeed[] samples) => StoreWithAsync([samples]);

    [Fact]
    public async Task An_equality_matcher_selects_its_series_with_samples_ascending_and_series_ordered_by_labels()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("up", T0 + 2000, 1, ("job", "web"), ("instance", "b")),
            MetricSeed.Gauge("up", T0 + 1000, 0, ("job", "web"), ("instance", "b")),
            MetricSeed.Gauge("up", T0 + 1000, 1, ("job", "web"), ("instance", "a")),
            MetricSeed.Gauge("up", T0 + 1000, 1, ("job", "db"), ("instance", "c")),
            MetricSeed.Gauge("down", T0 + 1000, 1, ("job", "web"), ("instance", "a")));

        var series = await store.SelectAsync(Select(Eq("__name__", "up"), Eq("job", "web")), default);

        Assert.Equal(["a", "b"], series.Select(s => Label(s.Labels, "instance")));
        Assert.Equal([new MetricLabel("__name__", "up"), new MetricLabel("instance", "b"), new MetricLabel("job", "web")], series[1].Labels);
        Assert.Equal([T0 + 1000, T0 + 2000], series[1].TimestampsMs);
        Assert.Equal([0.0, 1.0], series[1].Values);
    }

    [Fact]
    public async Task Regex_matchers_are_fully_anchored()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("up", T0, 1, ("job", "api")),
            MetricSeed.Gauge("up", T0, 1, ("job", "api-2")),
            MetricSeed.Gauge("up", T0, 1, ("job", "my-api")));

        Assert.Equal(["api"], (await store.SelectAsync(Select(Eq("__name__", "up"), Re("job", "api")), default)).Select(s => Label(s.Labels, "job")));
        Assert.Equal(["api", "api-2"], (await store.SelectAsync(Select(Eq("__name__", "up"), Re("job", "api.*")), default)).Select(s => Label(s.Labels, "job")));
        Assert.Equal(["api-2", "my-api"], (await store.SelectAsync(Select(Eq("__name__", "up"), NotRe("job", "api")), default)).Select(s => Label(s.Labels, "job")));
        Assert.Equal(["api", "api-2", "my-api"], (await store.SelectAsync(Select(Re("__name__", "u."), Re("job", ".*api.*")), default)).Select(s => Label(s.Labels, "job")));
    }

    [Fact]
    public async Task An_absent_label_has_the_empty_value()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("temp", T0, 1, ("room", "a"), ("zone", "north")),
            MetricSeed.Gauge("temp", T0, 2, ("room", "b")),
            MetricSeed.Gauge("temp", T0, 3, ("room", "c"), ("zone", "")));

        Assert.Equal(["b", "c"], (await store.SelectAsync(Select(Eq("__name__", "temp"), Eq("zone", "")), default)).Select(s => Label(s.Labels, "room")));
        Assert.Equal(["b", "c"], (await store.SelectAsync(Select(Eq("__name__", "temp"), NotRe("zone", ".+")), default)).Select(s => Label(s.Labels, "room")));
        Assert.Equal(["a"], (await store.SelectAsync(Select(Eq("__name__", "temp"), NotEq("zone", "")), default)).Select(s => Label(s.Labels, "room")));
        var c = (await store.SelectAsync(Select(Eq("__name__", "temp"), Eq("room", "c")), default)).Single();
        Assert.DoesNotContain(c.Labels, l => l.Name == "zone");
    }

    [Fact]
    public async Task Both_ends_of_the_range_are_inclusive()
    {
        var store = await StoreWithAsync([.. Enumerable.Range(0, 10).Select(i => MetricSeed.Gauge("g", T0 + (i * 1000), i))]);

        var series = (await store.SelectAsync(Select(T0 + 2000, T0 + 5000, Eq("__name__", "g")), default)).Single();

        Assert.Equal([2.0, 3.0, 4.0, 5.0], series.Values);
        Assert.Empty(await store.SelectAsync(Select(T0 + 2500, T0 + 2999, Eq("__name__", "g")), default));
    }

    [Fact]
    public async Task A_repeated_timestamp_keeps_the_sample_ingested_last()
    {
        var store = await StoreWithAsync(
        [
            [MetricSeed.Gauge("g", T0, 1), MetricSeed.Gauge("g", T0 + 1000, 2)],
            [MetricSeed.Gauge("g", T0 + 1000, 20), MetricSeed.Gauge("g", T0 + 2000, 3)],
        ]);

        var series = (await store.SelectAsync(Select(Eq("__name__", "g")), default)).Single();

        Assert.Equal([T0, T0 + 1000, T0 + 2000], series.TimestampsMs);
        Assert.Equal([1.0, 20.0, 3.0], series.Values);
    }

    [Fact]
    public async Task NaN_and_infinities_are_kept_as_sent()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("g", T0, double.NaN), MetricSeed.Gauge("g", T0 + 1000, double.PositiveInfinity), MetricSeed.Gauge("g", T0 + 2000, double.NegativeInfinity));

        var series = (await store.SelectAsync(Select(Eq("__name__", "g")), default)).Single();

        Assert.True(double.IsNaN(series.Values[0]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], series.Values[1..]);
    }

    [Fact]
    public async Task A_histogram_is_exposed_as_bucket_sum_and_count_series()
    {
        var store = await StoreWithAsync(Histogram("latency", T0, sum: 4.5, [0.1, 1, double.PositiveInfinity], [2, 5, 7], ("job", "api")));

        var buckets = await store.SelectAsync(Select(Eq("__name__", "latency_bucket")), default);
        Assert.Equal(["+Inf", "0.1", "1"], buckets.Select(s => Label(s.Labels, "le")));
        Assert.Equal([7.0, 2.0, 5.0], buckets.Select(s => s.Values.Single()));
        Assert.Equal(4.5, (await store.SelectAsync(Select(Eq("__name__", "latency_sum")), default)).Single().Values.Single());
        Assert.Equal(7.0, (await store.SelectAsync(Select(Eq("__name__", "latency_count"), Eq("job", "api")), default)).Single().Values.Single());
        Assert.Equal(["latency_bucket", "latency_count", "latency_sum"], await store.LabelValuesAsync("__name__", Catalog(), default));
        Assert.All(await store.SeriesAsync(Catalog([Eq("__name__", "latency_bucket")]), default), s => Assert.Equal("histogram", s.Type));
        Assert.Equal(["+Inf", "0.1", "1"], await store.LabelValuesAsync("le", Catalog(), default));
    }

    [Fact]
    public async Task The_catalog_answers_names_label_names_values_and_series_with_type_and_last_seen()
    {
        var store = await StoreWithAsync(
            MetricSeed.Counter("http_requests_total", T0, 1, ("service", "api"), ("code", "200")),
            MetricSeed.Counter("http_requests_total", T0 + 5000, 2, ("service", "api"), ("code", "200")),
            MetricSeed.Counter("http_requests_total", T0, 1, ("service", "web"), ("code", "500")),
            MetricSeed.Gauge("memory_bytes", T0 + 3000, 10, ("service", "db"), ("host", "h1")));

        Assert.Equal(["http_requests_total", "memory_bytes"], await store.LabelValuesAsync("__name__", Catalog(), default));
        Assert.Equal(["__name__", "code", "host", "service"], await store.LabelNamesAsync(Catalog(), default));
        Assert.Equal(["__name__", "code", "service"], await store.LabelNamesAsync(Catalog([Eq("__name__", "http_requests_total")]), default));
        Assert.Equal(["api", "db", "web"], await store.LabelValuesAsync("service", Catalog(), default));
        Assert.Equal(["web"], await store.LabelValuesAsync("service", Catalog([Eq("code", "500")]), default));
        Assert.Equal(["api", "db"], await store.LabelValuesAsync("service", Catalog([Eq("code", "200")], [Re("__name__", "mem.*")]), default));

        var series = await store.SeriesAsync(Catalog([Eq("__name__", "http_requests_total")]), default);
        Assert.Equal(2, series.Count);
        Assert.Equal(("api", "counter", T0 + 5000), (Label(series[0].Labels, "service"), series[0].Type, series[0].LastSeenMs));
        Assert.Equal("gauge", (await store.SeriesAsync(Catalog([Eq("__name__", "memory_bytes")]), default)).Single().Type);
        Assert.Single(await store.SeriesAsync(Catalog([Eq("__name__", "http_requests_total")]) with { Limit = 1 }, default));
    }

    [Fact]
    public async Task The_catalog_can_be_limited_to_series_seen_in_a_time_range()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("early", T0, 1, ("host", "a")),
            MetricSeed.Gauge("late", T0 + 3_600_000, 1, ("zone", "b")));

        var request = Catalog() with { FromMs = T0 + 1_800_000, ToMs = T0 + 7_200_000 };

        Assert.Equal(["late"], await store.LabelValuesAsync("__name__", request, default));
        Assert.Equal(["__name__", "zone"], await store.LabelNamesAsync(request, default));
        Assert.Empty(await store.LabelValuesAsync("host", request, default));
        Assert.Equal(["late"], (await store.SeriesAsync(request, default)).Select(s => Label(s.Labels, "__name__")));

        var before = Catalog() with { ToMs = T0 + 1000 };
        Assert.Equal(["early"], await store.LabelValuesAsync("__name__", before, default));
        Assert.Equal(["__name__", "host"], await store.LabelNamesAsync(before, default));
        Assert.Equal(["a", "b"], [.. (await store.LabelValuesAsync("host", Catalog(), default)).Concat(await store.LabelValuesAsync("zone", Catalog(), default))]);
    }

    [Fact]
    public async Task Too_many_series_or_samples_fail_with_a_limit_exception()
    {
        var samples = Enumerable.Range(0, 5).SelectMany(s => Enumerable.Range(0, 10).Select(i => MetricSeed.Gauge("g", T0 + (i * 1000), i, ("n", s.ToString(System.Globalization.CultureInfo.InvariantCulture))))).ToArray();
        var store = await StoreWithAsync(samples);

        await Assert.ThrowsAsync<MetricQueryLimitException>(() => store.SelectAsync(Select(Eq("__name__", "g")) with { MaxSeries = 4 }, default));
        await Assert.ThrowsAsync<MetricQueryLimitException>(() => store.SelectAsync(Select(Eq("__name__", "g")) with { MaxSamples = 49 }, default));
        await Assert.ThrowsAsync<MetricQueryLimitException>(() => store.SelectRollupsAsync(Select(Eq("__name__", "g")) with { MaxSeries = 4 }, TimeSpan.FromMinutes(1), default));
        Assert.Equal(50, (await store.SelectAsync(Select(Eq("__name__", "g")) with { MaxSeries = 5, MaxSamples = 50 }, default)).Sum(s => s.Values.Length));
    }

    [Fact]
    public async Task Another_org_sees_none_of_the_series()
    {
        var store = await StoreWithAsync(
            MetricSeed.Gauge("secret_metric", T0, 1, ("tenant", "one")),
            MetricSeed.Gauge("shared_name", T0, 1) with { OrgId = 1 },
            MetricSeed.Gauge("shared_name", T0, 2) with { OrgId = 2 });

        Assert.Empty(await store.SelectAsync(Select(Eq("__name__", "secret_metric")) with { OrgId = 2 }, default));
        Assert.Empty(await store.SelectRollupsAsync(Select(Eq("__name__", "secret_metric")) with { OrgId = 2 }, TimeSpan.FromMinutes(1), default));
        Assert.Equal(["shared_name"], await store.LabelValuesAsync("__name__", Catalog() with { OrgId = 2 }, default));
        Assert.Equal(["__name__"], await store.LabelNamesAsync(Catalog() with { OrgId = 2 }, default));
        Assert.Equal(2.0, (await store.SelectAsync(Select(Eq("__name__", "shared_name")) with { OrgId = 2 }, default)).Single().Values.Single());
        Assert.Empty(await store.SeriesAsync(Catalog() with { OrgId = 3 }, default));
    }

    [Fact]
    public async Task Rollup_buckets_keep_min_max_sum_count_first_last_and_increase_across_resets()
    {
        var store = await StoreWithAsync(
        [
            [MetricSeed.Counter("c", T0, 1), MetricSeed.Counter("c", T0 + 15_000, 3), MetricSeed.Counter("c", T0 + 30_000, 5)],
            [MetricSeed.Counter("c", T0 + 45_000, 2), MetricSeed.Counter("c", T0 + 60_000, 4)],
        ]);

        var minute = (await store.SelectRollupsAsync(Select(Eq("__name__", "c")), TimeSpan.FromMinutes(1), default)).Single();
        Assert.Equal([T0, T0 + 60_000], minute.BucketStartMs);
        Assert.Equal([1.0, 4.0], minute.Min);
        Assert.Equal([5.0, 4.0], minute.Max);
        Assert.Equal([11.0, 4.0], minute.Sum);
        Assert.Equal([4L, 1L], minute.Count);
        Assert.Equal([1.0, 4.0], minute.First);
        Assert.Equal([T0, T0 + 60_000], minute.FirstMs);
        Assert.Equal([2.0, 4.0], minute.Last);
        Assert.Equal([T0 + 45_000, T0 + 60_000], minute.LastMs);
        Assert.Equal([6.0, 0.0], minute.Increase);

        var five = (await store.SelectRollupsAsync(Select(Eq("__name__", "c")), TimeSpan.FromMinutes(5), default)).Single();
        Assert.Equal([T0], five.BucketStartMs);
        Assert.Equal([5L], five.Count);
        Assert.Equal([15.0], five.Sum);
        Assert.Equal([8.0], five.Increase);
        var hour = (await store.SelectRollupsAsync(Select(Eq("__name__", "c")), TimeSpan.FromHours(1), default)).Single();
        Assert.Equal([T0], hour.BucketStartMs);
        Assert.Equal([5L], hour.Count);
        Assert.Equal([4.0], hour.Last);
    }

    [Fact]
    public async Task Rollups_answer_buckets_that_start_within_the_range()
    {
        var store = await StoreWithAsync([.. Enumerable.Range(0, 10).Select(i => MetricSeed.Gauge("g", T0 + (i * 60_000) + 30_000, i))]);

        var series = (await store.SelectRollupsAsync(Select(T0 + 120_000, T0 + 240_000, Eq("__name__", "g")), TimeSpan.FromMinutes(1), default)).Single();

        Assert.Equal([T0 + 120_000, T0 + 180_000, T0 + 240_000], series.BucketStartMs);
        Assert.Equal([2.0, 3.0, 4.0], series.Sum);
    }

    protected static LabelMatcher Eq(string name, string value) => new(name, LabelMatchType.Equal, value);

    protected static LabelMatcher NotEq(string name, string value) => new(name, LabelMatchType.NotEqual, value);

    protected static LabelMatcher Re(string name, string value) => new(name, LabelMatchType.Regex, value);

    protected static LabelMatcher NotRe(string name, string value) => new(name, LabelMatchType.NotRegex, value);

    protected static MetricSelectRequest Select(params LabelMatcher[] matchers) => Select(T0 - 86_400_000, T0 + (2 * 86_400_000), matchers);

    protected static MetricSelectRequest Select(long from, long to, params LabelMatcher[] matchers) => new() { OrgId = 1, Matchers = matchers, FromMs = from, ToMs = to };

    protected static MetricCatalogRequest Catalog(params LabelMatcher[][] selectors) => new() { OrgId = 1, Selectors = selectors };

    protected static MetricSeed Histogram(string name, long timeMs, double sum, double[] bounds, long[] counts, params (string Name, string Value)[] labels) =>
        new(1, name, "histogram", labels.ToDictionary(l => l.Name, l => l.Value), timeMs, sum) { Bounds = bounds, BucketCounts = counts, Count = counts[^1] };

    protected static string Label(IReadOnlyList<MetricLabel> labels, string name) => labels.FirstOrDefault(l => l.Name == name).Value ?? string.Empty;
}

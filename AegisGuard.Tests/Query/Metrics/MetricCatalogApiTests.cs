using System.Net;
using System.Text.Json;
using AegisGuard.Query.Metrics;
using AegisGuard.Storage.Metrics;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AegisGuard.Tests.Query.Metrics;

/// <summary>
/// GET /api/metrics/catalog over a catalog of known series (an in-memory <see cref="IMetricStore"/> in place of the
/// Parquet one, whose own behaviour its contract suite proves): grouping by metric, counts, last seen, label values,
/// the caller's org only, the limits, and the answers without a key or without a store.
/// </summary>
public sealed class MetricCatalogApiTests : IDisposable
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    private readonly AegisAppFactory app = new();
    private readonly CatalogStore store = new();
    private readonly WebApplicationFactory<Program> factory;

    public MetricCatalogApiTests()
    {
        factory = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IMetricStore>();
            services.AddSingleton<IMetricStore>(store);
        }));
    }

    public void Dispose()
    {
        factory.Dispose();
        app.Dispose();
    }

    [Fact]
    public async Task Each_metric_is_listed_once_with_its_type_series_count_last_seen_and_label_values()
    {
        var (org, key) = app.CreateKey();
        store.Add(org.Id, "counter", T0 + 1000, ("__name__", "http_requests_total"), ("service", "api"), ("status", "200"));
        store.Add(org.Id, "counter", T0 + 5000, ("__name__", "http_requests_total"), ("service", "api"), ("status", "500"));
        store.Add(org.Id, "counter", T0 + 3000, ("__name__", "http_requests_total"), ("service", "web"), ("status", "200"));
        store.Add(org.Id, "gauge", T0, ("__name__", "cpu_usage"), ("host", "a"));

        var json = await GetCatalogAsync(key);

        Assert.Equal(4, json.GetProperty("series").GetInt32());
        Assert.False(json.GetProperty("truncated").GetBoolean());
        var metrics = json.GetProperty("metrics");
        Assert.Equal(["cpu_usage", "http_requests_total"], metrics.EnumerateArray().Select(m => m.GetProperty("name").GetString()));

        var requests = metrics[1];
        Assert.Equal("counter", requests.GetProperty("type").GetString());
        Assert.Equal(3, requests.GetProperty("series").GetInt32());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 5000), requests.GetProperty("last_seen").GetDateTimeOffset());
        var labels = requests.GetProperty("labels");
        Assert.Equal(["service", "status"], labels.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal(["api", "web"], labels[0].GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["200", "500"], labels[1].GetProperty("values").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(2, labels[1].GetProperty("value_count").GetInt32());

        var cpu = metrics[0];
        Assert.Equal("gauge", cpu.GetProperty("type").GetString());
        Assert.Equal(1, cpu.GetProperty("series").GetInt32());
        Assert.Equal("host", Assert.Single(cpu.GetProperty("labels").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_catalog_holds_only_the_metrics_of_the_callers_org()
    {
        var (org, key) = app.CreateKey();
        var (other, otherKey) = app.CreateKey("other");
        store.Add(org.Id, "gauge", T0, ("__name__", "ours"), ("service", "api"));
        store.Add(other.Id, "gauge", T0, ("__name__", "theirs"), ("service", "secret-service"));

        var ours = await GetCatalogAsync(key);
        var theirs = await GetCatalogAsync(otherKey);

        Assert.Equal("ours", Assert.Single(ours.GetProperty("metrics").EnumerateArray()).GetProperty("name").GetString());
        Assert.DoesNotContain("secret-service", ours.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("theirs", Assert.Single(theirs.GetProperty("metrics").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal([org.Id, other.Id], store.AskedOrgs);
    }

    [Fact]
    public async Task A_catalog_larger_than_the_limit_is_cut_and_says_so()
    {
        var (org, key) = app.CreateKey();
        for (int i = 0; i <= MetricCatalogApi.MaxSeries; i++)
        {
            store.Add(org.Id, "gauge", T0, ("__name__", "many"), ("id", i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)));
        }

        var json = await GetCatalogAsync(key);

        Assert.True(json.GetProperty("truncated").GetBoolean());
        Assert.Equal(MetricCatalogApi.MaxSeries, json.GetProperty("series").GetInt32());
        var metric = Assert.Single(json.GetProperty("metrics").EnumerateArray());
        Assert.Equal(MetricCatalogApi.MaxSeries, metric.GetProperty("series").GetInt32());
        var id = Assert.Single(metric.GetProperty("labels").EnumerateArray());
        Assert.Equal(MetricCatalogApi.MaxValuesPerLabel, id.GetProperty("values").GetArrayLength());
        Assert.Equal(MetricCatalogApi.MaxSeries, id.GetProperty("value_count").GetInt32());
    }

    [Fact]
    public async Task Without_a_key_the_catalog_is_refused()
    {
        using var http = factory.CreateClient();
        using var response = await http.GetAsync(new Uri("/api/metrics/catalog", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_metric_store_the_catalog_answers_a_503_problem()
    {
        var (_, key) = app.CreateKey();
        using var bare = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.RemoveAll<IMetricStore>()));
        var client = new SignedClient(bare.CreateClient(), key);
        using var response = await client.GetAsync("/api/metrics/catalog");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The metric store is not available", json.RootElement.GetProperty("title").GetString());
    }

    private async Task<JsonElement> GetCatalogAsync(AegisGuard.Identity.ApiKeys.CreatedApiKey key)
    {
        var client = new SignedClient(factory.CreateClient(), key);
        using var response = await client.GetAsync("/api/metrics/catalog");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A series catalog in memory, per org; only the catalog look-up the endpoint uses is implemented.</summary>
    private sealed class CatalogStore : IMetricStore
    {
        private readonly List<(int OrgId, MetricSeriesInfo Info)> series = [];

        public List<int> AskedOrgs { get; } = [];

        public void Add(int orgId, string type, long lastSeenMs, params (string Name, string Value)[] labels) =>
            series.Add((orgId, new MetricSeriesInfo(
                labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => new MetricLabel(l.Name, l.Value)).ToList(), type, lastSeenMs)));

        public Task<IReadOnlyList<MetricSeriesInfo>> SeriesAsync(MetricCatalogRequest request, CancellationToken cancellationToken)
        {
            AskedOrgs.Add(request.OrgId);
            IReadOnlyList<MetricSeriesInfo> found = series.Where(s => s.OrgId == request.OrgId).Select(s => s.Info).Take(request.Limit).ToList();
            return Task.FromResult(found);
        }

        public Task<IReadOnlyList<MetricSeriesSamples>> SelectAsync(MetricSelectRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<MetricRollupSeries>> SelectRollupsAsync(MetricSelectRequest request, TimeSpan resolution, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<string>> LabelNamesAsync(MetricCatalogRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<string>> LabelValuesAsync(string labelName, MetricCatalogRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}

using System.Net;
using System.Text.Json;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Metrics;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>The appliance registers the Parquet store as IMetricStore and runs its follower: ingested metrics reach the catalog and rollups.</summary>
public sealed class MetricStoreHostingTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Ingested_metrics_reach_the_catalog_samples_and_rollups_without_a_health_problem()
    {
        var (org, key) = app.Factory.CreateKey("metric-store-hosting");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string body = JsonSerializer.Serialize(new
        {
            metrics = new object[]
            {
                new { name = "hosting_requests_total", type = "counter", value = 5, labels = new { service = "api" } },
                new { name = "hosting_latency_seconds", type = "histogram", sum = 1.5, count = 3, buckets = new object[] { new { le = 0.5, count = 1 }, new { le = "+Inf", count = 3 } }, labels = new { service = "api" } },
            },
        });

        using var response = await client.PostAsync("/v1/metrics", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var store = app.Factory.Services.GetRequiredService<IMetricStore>();
        var catalog = new MetricCatalogRequest { OrgId = org.Id };
        var names = await Poll.UntilAsync(() => store.LabelValuesAsync("__name__", catalog, default), n => n.Count == 4, what: "the follower to catalog the metrics");
        Assert.Equal(["hosting_latency_seconds_bucket", "hosting_latency_seconds_count", "hosting_latency_seconds_sum", "hosting_requests_total"], names);

        var request = new MetricSelectRequest
        {
            OrgId = org.Id,
            Matchers = [new LabelMatcher("__name__", LabelMatchType.Equal, "hosting_latency_seconds_bucket")],
            FromMs = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(),
            ToMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
        };
        var buckets = await store.SelectAsync(request, default);
        Assert.Equal([3.0, 1.0], buckets.Select(s => s.Values.Single()));
        var rollups = await store.SelectRollupsAsync(request, TimeSpan.FromMinutes(5), default);
        Assert.Equal([1L, 1L], rollups.Select(s => s.Count.Single()));
        Assert.Empty(await store.SeriesAsync(catalog with { OrgId = org.Id + 1000 }, default));
        Assert.Null(app.Factory.Services.GetRequiredService<HealthConditions>().Find("metrics.rollups"));
    }
}

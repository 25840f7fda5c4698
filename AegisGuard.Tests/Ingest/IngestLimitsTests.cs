using System.Globalization;
using System.Net;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Ingest;

/// <summary>Rate limits and storage that cannot write: the answers that tell an agent to back off.</summary>
public sealed class IngestLimitsTests
{
    [Fact]
    public async Task An_org_over_its_rate_limit_gets_429_with_retry_after()
    {
        using var factory = new AegisAppFactory();
        var (org, key) = factory.CreateKey("limited");
        factory.Service<MetadataStore>().UpdateOrgSettings(org.Id, "redact", ingestRateLimit: 100, retentionDays: 30);
        factory.Service<OrgDirectory>().Invalidate(org.Id);
        var client = new SignedClient(factory.CreateClient(), key);

        // The bucket holds one largest batch (5000 events): the sixth batch of 1000 in a row is over the limit.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (int i = 0; i < 7 && limited is null; i++)
        {
            var response = await client.PostAsync("/v1/logs", Some.Logs(1000));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Accepted));
        int retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        // Other orgs are not affected.
        var (_, otherKey) = factory.CreateKey();
        using var other = await new SignedClient(factory.CreateClient(), otherKey).PostAsync("/v1/logs", Some.Logs(1000));
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task When_the_disk_is_too_full_to_write_the_answer_is_503_not_202_and_nothing_is_stored()
    {
        // Any real disk has less free space than this, so the log refuses appends exactly as on a full disk.
        using var factory = new AegisAppFactory(new Dictionary<string, string?> { ["Aegis:Ingest:MinFreeDiskBytes"] = long.MaxValue.ToString(CultureInfo.InvariantCulture) });
        var (_, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);

        using var response = await client.PostAsync("/v1/logs", Some.Logs(3, "full-disk"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.Contains("Retry-After"));
        Assert.Contains("NOT accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var health = await factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Empty(await LogsReader.ReadAsync(client, "q=full-disk"));
    }
}

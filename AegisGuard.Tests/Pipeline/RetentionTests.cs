using System.Globalization;
using System.Net;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>An org's retention days, applied by the storage maintenance job: old days disappear from queries and disk.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Days_older_than_the_orgs_retention_are_no_longer_queryable_and_their_files_are_deleted()
    {
        using var factory = new AegisAppFactory(new Dictionary<string, string?>
        {
            ["Aegis:Pipeline:CompactionGrace"] = "00:00:00",
            ["Aegis:Pipeline:CompactionInterval"] = "01:00:00",
        });
        var (org, key) = factory.CreateKey("retention");
        var (other, otherKey) = factory.CreateKey("keeps-everything");
        var client = new SignedClient(factory.CreateClient(), key);
        var otherClient = new SignedClient(factory.CreateClient(), otherKey);
        string old = DateTime.UtcNow.AddDays(-5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string range = "from=" + Uri.EscapeDataString(DateTime.UtcNow.AddDays(-10).ToString("O", CultureInfo.InvariantCulture)) + "&limit=100";
        string batch = Some.LogBatch(Some.Log("five days old", timestamp: old), Some.Log("fresh", timestamp: Some.Now()));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/v1/logs", batch)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await otherClient.PostAsync("/v1/logs", batch)).StatusCode);
        await LogsReader.WaitForAsync(client, range, 2);
        await LogsReader.WaitForAsync(otherClient, range, 2);
        string oldFolder = Path.Combine(factory.DataDir, "telemetry", "logs", $"org={org.Id}", "day=" + old[..10]);
        Assert.NotEmpty(Directory.EnumerateFiles(oldFolder, "*.parquet"));

        factory.Service<MetadataStore>().UpdateOrgSettings(org.Id, "redact", 0, retentionDays: 2);
        factory.Service<StorageMaintenance>().RunOnce(CancellationToken.None);

        var kept = await LogsReader.ReadAsync(client, range);
        Assert.Equal(["fresh"], kept.Select(l => l.GetProperty("message").GetString()));
        Assert.Empty(Directory.EnumerateFiles(oldFolder, "*.parquet"));
        Assert.Equal(2, (await LogsReader.ReadAsync(otherClient, range)).Count);
        Assert.NotEqual(org.Id, other.Id);
    }
}

using System.Net;
using AegisGuard.Orgs;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>PII never reaches storage: what the query API returns after ingestion, per org mode.</summary>
public sealed class PiiScrubbingEndToEndTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Emails_ssns_and_cards_are_redacted_in_messages_and_attributes()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = Some.LogBatch(Some.Log(
            $"{marker} signup by jane.doe@example.com ssn 123-45-6789 card 4111-1111-1111-1111 order 1234567812345678",
            attributes: new { email = "jane.doe@example.com", nested = new { card = "5500 0000 0000 0004" } }));

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        Assert.Equal($"{marker} signup by [REDACTED:email] ssn [REDACTED:ssn] card [REDACTED:card] order 1234567812345678", line.GetProperty("message").GetString());
        Assert.Equal("[REDACTED:email]", line.GetProperty("attributes").GetProperty("email").GetString());
        Assert.Equal("[REDACTED:card]", line.GetProperty("attributes").GetProperty("nested").GetProperty("card").GetString());
    }

    [Fact]
    public async Task In_hash_mode_the_same_value_gets_the_same_token_so_it_can_be_grouped()
    {
        var (org, key) = app.Factory.CreateKey("hashing");
        app.Factory.Service<MetadataStore>().UpdateOrgSettings(org.Id, "hash", 0, 30);
        app.Factory.Service<OrgDirectory>().Invalidate(org.Id);
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync("/v1/logs", Some.LogBatch(
            Some.Log($"{marker} a jane@example.com"),
            Some.Log($"{marker} b JANE@example.com"),
            Some.Log($"{marker} c bob@example.com")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var lines = (await LogsReader.WaitForAsync(client, $"q={marker}", 3)).ToDictionary(l => l.GetProperty("message").GetString()![33], l => l.GetProperty("message").GetString()!);
        string tokenA = lines['a'][35..], tokenB = lines['b'][35..], tokenC = lines['c'][35..];
        Assert.Matches(@"^\[email:[0-9a-f]{10}\]$", tokenA);
        Assert.Equal(tokenA, tokenB);
        Assert.NotEqual(tokenA, tokenC);
        Assert.DoesNotContain("example.com", string.Concat(lines.Values), StringComparison.Ordinal);
    }
}

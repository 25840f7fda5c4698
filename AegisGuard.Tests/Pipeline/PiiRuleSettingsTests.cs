using System.Net;
using System.Text.Json.Nodes;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>The opt-in PII rules (IP addresses, phone numbers) through GET/PUT /api/org/settings: off by default, validated, audited, applied.</summary>
public sealed class PiiRuleSettingsTests : IDisposable
{
    private readonly AegisAppFactory factory = IdentityApp.NewFactory();

    [Fact]
    public async Task Ip_and_phone_rules_are_off_by_default_and_scrub_from_the_moment_they_are_switched_on()
    {
        var admin = await IdentityApp.AdminAsync(factory);
        var (_, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        var settings = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.False(settings.GetProperty("pii_ip_addresses").GetBoolean());
        Assert.False(settings.GetProperty("pii_phone_numbers").GetBoolean());

        string before = Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/v1/logs", Some.LogBatch(Some.Log($"{before} from 10.1.2.3 call +44 20 7946 0958")))).StatusCode);
        var kept = Assert.Single(await LogsReader.WaitForAsync(client, $"q={before}", 1));
        Assert.Equal($"{before} from 10.1.2.3 call +44 20 7946 0958", kept.GetProperty("message").GetString());

        var saved = await Json.OkAsync(await admin.PutAsync("/api/org/settings", new { pii_ip_addresses = true, pii_phone_numbers = true }));
        Assert.True(saved.GetProperty("pii_ip_addresses").GetBoolean());
        Assert.True(saved.GetProperty("pii_phone_numbers").GetBoolean());

        string after = Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/v1/logs", Some.LogBatch(
            Some.Log($"{after} from 10.1.2.3 call +44 20 7946 0958", attributes: new { peer = "2001:db8::1", mobile = 447946095812 })))).StatusCode);
        var scrubbed = Assert.Single(await LogsReader.WaitForAsync(client, $"q={after}", 1));
        Assert.Equal($"{after} from [REDACTED:ip] call [REDACTED:phone]", scrubbed.GetProperty("message").GetString());
        Assert.Equal("[REDACTED:ip]", scrubbed.GetProperty("attributes").GetProperty("peer").GetString());
        Assert.Equal("[REDACTED:phone]", scrubbed.GetProperty("attributes").GetProperty("mobile").GetString());

        var reread = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.True(reread.GetProperty("pii_ip_addresses").GetBoolean());
    }

    [Fact]
    public async Task Switching_a_rule_is_audited_with_its_old_and_new_value()
    {
        var admin = await IdentityApp.AdminAsync(factory);

        await Json.OkAsync(await admin.PutAsync("/api/org/settings", new { pii_phone_numbers = true }));

        var audit = await Json.OkAsync(await admin.GetAsync("/api/audit?action=settings.changed"));
        string entries = audit.ToString();
        Assert.Contains("pii_phone_numbers", entries, StringComparison.Ordinal);
        Assert.DoesNotContain("pii_ip_addresses", entries, StringComparison.Ordinal); // unchanged fields are not listed
    }

    [Theory]
    [InlineData("""{"pii_ip_addresses":"yes"}""")]
    [InlineData("""{"pii_phone_numbers":1}""")]
    public async Task A_rule_that_is_not_true_or_false_is_refused_with_a_problem(string body)
    {
        var admin = await IdentityApp.AdminAsync(factory);

        using var response = await admin.PutAsync("/api/org/settings", JsonNode.Parse(body)!);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"answered {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var settings = await Json.OkAsync(await admin.GetAsync("/api/org/settings"));
        Assert.False(settings.GetProperty("pii_ip_addresses").GetBoolean());
        Assert.False(settings.GetProperty("pii_phone_numbers").GetBoolean());
    }

    public void Dispose() => factory.Dispose();
}

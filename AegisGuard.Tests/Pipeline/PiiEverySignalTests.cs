using System.Net;
using System.Text.Json;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// PII in every field of every signal, sent through the signed HTTP API: what is stored (every value of every row in
/// the Parquet files) holds none of it. The fields are the ones issue #8 found unscrubbed.
/// </summary>
public sealed class PiiEverySignalTests(SharedApp app) : IClassFixture<SharedApp>
{
    // Pieces of the PII sent below; none may appear in any stored value.
    private static readonly string[] Sent =
    [
        "bob.smith", "jane.doe", "example.com", "4111", "1111 1111", "123456789", "45-6789", "hunter2", "abcdefgh12345678",
        "dXNlcjpwYXNz", "s3cr3t",
    ];

    [Fact]
    public async Task Log_messages_hosts_services_attribute_names_and_numbers_are_scrubbed()
    {
        var (org, key) = app.Factory.CreateKey("pii-logs");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");
        string body = JsonSerializer.Serialize(new
        {
            logs = new object[]
            {
                new Dictionary<string, object>
                {
                    ["message"] = $"{marker} GET /u?email=bob.smith%40example.com qty 2 4111 1111 1111 1111 {{\"email\":\"jane.doe\\u0040example.com\"}}",
                    ["service"] = "mailer jane.doe@example.com",
                    ["host"] = "host-123-45-6789",
                    ["attributes"] = new Dictionary<string, object>
                    {
                        ["jane.doe@example.com"] = "seen",
                        ["Authorization"] = "Bearer abcdefgh12345678",
                        ["nested"] = new Dictionary<string, object> { ["ssn"] = 123456789, ["cards"] = new object[] { 4111111111111111 } },
                    },
                    ["password"] = "hunter2",
                },
            },
        });
        body = body.Replace("\"cards\":[4111111111111111]", "\"cards\":[4111111111111111],\"card\":4111111111111111", StringComparison.Ordinal);

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        string message = line.GetProperty("message").GetString()!;
        Assert.StartsWith($"{marker} GET /u?email=[REDACTED:email] qty 2 [REDACTED:card] ", message, StringComparison.Ordinal);
        Assert.Equal("mailer [REDACTED:email]", line.GetProperty("service").GetString());
        Assert.Equal("host-[REDACTED:ssn]", line.GetProperty("host").GetString());
        var attributes = line.GetProperty("attributes");
        Assert.Equal("seen", attributes.GetProperty("[REDACTED:email]").GetString());
        Assert.Equal("[REDACTED:secret]", attributes.GetProperty("Authorization").GetString());
        Assert.Equal("[REDACTED:secret]", attributes.GetProperty("password").GetString());
        Assert.Equal("[REDACTED:ssn]", attributes.GetProperty("nested").GetProperty("ssn").GetString());
        Assert.Equal("[REDACTED:card]", attributes.GetProperty("nested").GetProperty("card").GetString());
        Assert.Equal("[REDACTED:card]", attributes.GetProperty("nested").GetProperty("cards")[0].GetString());

        // What `| json` would extract from the message: the embedded document, decoded once.
        string embedded = message[message.IndexOf('{', StringComparison.Ordinal)..];
        Assert.StartsWith("[REDACTED:email]", JsonDocument.Parse(embedded).RootElement.GetProperty("email").GetString(), StringComparison.Ordinal);
        AssertNothingSentIsStored(await StoredTelemetry.WaitForAsync(app.Factory, Signal.Logs, org.Id, marker));
    }

    [Fact]
    public async Task Span_names_services_status_messages_and_attributes_are_scrubbed_and_w3c_ids_kept()
    {
        var (org, key) = app.Factory.CreateKey("pii-spans");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");
        string body = JsonSerializer.Serialize(new
        {
            spans = new object[]
            {
                new Dictionary<string, object>
                {
                    ["trace_id"] = "4bf92f3577b34da6a3ce929d0e0e4736",
                    ["span_id"] = "00f067aa0ba902b7",
                    ["service"] = "checkout jane.doe@example.com",
                    ["name"] = $"GET /users?email=bob.smith%2540example.com {marker}",
                    ["start"] = Some.Now(),
                    ["duration_ms"] = 5,
                    ["status_message"] = "declined 4111.1111.1111.1111",
                    ["attributes"] = new Dictionary<string, object>
                    {
                        ["http.request.header.authorization"] = "Basic dXNlcjpwYXNz",
                        ["db.statement"] = "SELECT * FROM users WHERE ssn = '123456789'",
                        ["http.url"] = "https://deploy:s3cr3t@api.internal/v1",
                    },
                },
            },
        });

        using var response = await client.PostAsync("/v1/traces", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = Assert.Single(await StoredTelemetry.WaitForAsync(app.Factory, Signal.Traces, org.Id, marker));
        AssertNothingSentIsStored([row]);
        Assert.Contains("4bf92f3577b34da6a3ce929d0e0e4736", row, StringComparison.Ordinal);
        Assert.Contains("00f067aa0ba902b7", row, StringComparison.Ordinal);
        Assert.Contains($"GET /users?email=[REDACTED:email] {marker}", row, StringComparison.Ordinal);
        Assert.Contains("https://[REDACTED:secret]@api.internal/v1", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metric_names_label_names_and_label_values_are_scrubbed()
    {
        var (org, key) = app.Factory.CreateKey("pii-metrics");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");
        string body = JsonSerializer.Serialize(new
        {
            metrics = new object[]
            {
                new Dictionary<string, object>
                {
                    ["name"] = "orders_card_4111111111111111_total",
                    ["type"] = "counter",
                    ["value"] = 1,
                    ["labels"] = new Dictionary<string, object>
                    {
                        ["marker"] = marker,
                        ["email"] = "jane.doe@example.com",
                        ["ssn"] = 123456789,
                        ["password"] = "hunter2",
                        ["user_5500000000000004"] = "x",
                    },
                },
            },
        });

        using var response = await client.PostAsync("/v1/metrics", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = Assert.Single(await StoredTelemetry.WaitForAsync(app.Factory, Signal.Metrics, org.Id, marker));
        AssertNothingSentIsStored([row]);
        Assert.DoesNotContain("5500000000000004", row, StringComparison.Ordinal);
        Assert.Contains("orders_card__REDACTED_card__total", row, StringComparison.Ordinal);
        Assert.Contains("user__REDACTED_card_", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rum_actions_applications_user_agents_urls_and_errors_are_scrubbed()
    {
        var (org, key) = app.Factory.CreateKey("pii-rum");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        // Starts with a letter: three digits right after the card would make it a longer number, not a card.
        string marker = "m" + Guid.NewGuid().ToString("N");
        string body = JsonSerializer.Serialize(new
        {
            events = new object[]
            {
                new Dictionary<string, object>
                {
                    ["type"] = "action",
                    ["session_id"] = "sess-123-45-6789",
                    ["application"] = "shop for jane.doe@example.com",
                    ["action_name"] = $"click pay 4111 1111 1111 1111 {marker}",
                    ["user_agent"] = "Mozilla/5.0 (bob.smith@example.com)",
                    ["url"] = "https://shop.test/?e=bob.smith%2540example.com&token=abcdefgh12345678",
                    ["error_stack"] = "at pay(ssn: 123456789)",
                    ["customer"] = new Dictionary<string, object> { ["phone"] = "n/a", ["ssn"] = "123456789" },
                },
            },
        });

        using var response = await client.PostAsync("/v1/rum", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var row = Assert.Single(await StoredTelemetry.WaitForAsync(app.Factory, Signal.Rum, org.Id, marker));
        AssertNothingSentIsStored([row]);
        Assert.Contains($"click pay [REDACTED:card] {marker}", row, StringComparison.Ordinal);
        Assert.Contains("sess-[REDACTED:ssn]", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_hash_mode_every_signal_gets_tokens_and_secrets_are_still_redacted()
    {
        var (org, key) = app.Factory.CreateKey("pii-hash-signals");
        app.Factory.Service<AegisGuard.Storage.Metadata.MetadataStore>().UpdateOrgSettings(org.Id, "hash", 0, 30);
        app.Factory.Service<AegisGuard.Orgs.OrgDirectory>().Invalidate(org.Id);
        var client = new SignedClient(app.Factory.CreateClient(), key);
        string marker = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync("/v1/logs", Some.LogBatch(
            Some.Log($"{marker} qty 2 4111 1111 1111 1111 by bob.smith%40example.com", attributes: new { password = "hunter2", ssn = "123456789" })));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        Assert.Matches($"^{marker} qty 2 \\[card:[0-9a-f]{{10}}\\] by \\[email:[0-9a-f]{{10}}\\]$", line.GetProperty("message").GetString());
        Assert.Equal("[REDACTED:secret]", line.GetProperty("attributes").GetProperty("password").GetString());
        Assert.Matches("^\\[ssn:[0-9a-f]{10}\\]$", line.GetProperty("attributes").GetProperty("ssn").GetString());
    }

    private static void AssertNothingSentIsStored(IReadOnlyList<string> rows)
    {
        foreach (string row in rows)
        {
            foreach (string piece in Sent)
            {
                Assert.False(row.Contains(piece, StringComparison.OrdinalIgnoreCase), $"stored row holds '{piece}': {row}");
            }
        }
    }
}

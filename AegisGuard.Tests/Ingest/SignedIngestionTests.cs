using System.Net;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Ingest;

/// <summary>POST /v1/* through real HTTP: what an agent sees for good and bad batches.</summary>
public sealed class SignedIngestionTests(SharedApp app) : IClassFixture<SharedApp>
{
    // The product brief's example, byte for byte.
    private const string SeedBody = """{"logs":[{"timestamp":"2025-10-31T10:00:00Z","service":"api","level":"error","message":"Database connection failed"}]}""";

    [Fact]
    public async Task The_seed_example_older_than_the_default_retention_is_refused_with_the_reason()
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/logs", SeedBody);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = Assert.Single(problem.RootElement.GetProperty("invalid_items").EnumerateArray().ToList());
        Assert.Equal("timestamp", item.GetProperty("field").GetString());
        Assert.Contains("older than the org's retention of 30 days", item.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_seed_example_is_accepted_verbatim_and_becomes_queryable_when_retention_covers_it()
    {
        var (org, key) = app.Factory.CreateKey("seed-archive");
        app.Factory.Service<MetadataStore>().UpdateOrgSettings(org.Id, "redact", 0, retentionDays: 3650);
        var client = new SignedClient(app.Factory.CreateClient(), key);
        using var response = await client.PostAsync("/v1/logs", SeedBody);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.False(string.IsNullOrEmpty(answer.RootElement.GetProperty("batchId").GetString()));

        var lines = await LogsReader.WaitForAsync(client, "from=2025-10-31T00:00:00Z&to=2025-11-01T00:00:00Z&q=Database%20connection", 1);
        var line = Assert.Single(lines);
        Assert.Equal("api", line.GetProperty("service").GetString());
        Assert.Equal("error", line.GetProperty("level").GetString());
        Assert.Equal("Database connection failed", line.GetProperty("message").GetString());
        Assert.Equal("2025-10-31T10:00:00Z", line.GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Gzip_bodies_are_accepted_with_the_signature_over_the_compressed_bytes()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        using var response = await client.PostAsync("/v1/logs", Some.Logs(3, marker), gzip: true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var lines = await LogsReader.WaitForAsync(client, $"q={marker}", 3);
        Assert.Equal(3, lines.Count);
    }

    [Fact]
    public async Task Every_signal_has_its_endpoint()
    {
        var client = app.NewClient();
        string now = Some.Now();
        string metrics = $$$"""{"metrics":[{"name":"http.requests","type":"counter","value":12,"timestamp":"{{{now}}}","labels":{"service":"api"}},{"name":"latency","type":"histogram","buckets":[{"le":0.1,"count":3},{"le":1,"count":5}],"sum":1.7,"count":5}]}""";
        string spans = $$"""{"spans":[{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","service":"api","name":"GET /users","kind":"server","start":"{{now}}","duration_ms":12.5,"status":"ok"}]}""";
        string rum = $$"""{"events":[{"type":"vital","session_id":"s1","vital_name":"LCP","vital_value":1234,"url":"https://shop.example/cart","user_agent":"Mozilla/5.0"},{"type":"error","session_id":"s1","error_message":"TypeError: x is undefined","error_stack":"at f (app.js:1:1)"}]}""";

        using var m = await client.PostAsync("/v1/metrics", metrics);
        using var t = await client.PostAsync("/v1/traces", spans);
        using var r = await client.PostAsync("/v1/rum", rum);

        Assert.Equal(HttpStatusCode.Accepted, m.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, t.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        Assert.Contains("\"accepted\":2", await m.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_body_is_a_400_problem()
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/logs", """{"logs":[{"message":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_without_the_items_array_is_a_400_naming_the_expected_shape()
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/metrics", """{"logs":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("array property \"metrics\"", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_item_rejects_the_whole_batch_naming_index_and_field_and_stores_nothing()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = Some.LogBatch(
            Some.Log($"{marker} ok 0"),
            Some.Log($"{marker} ok 1"),
            new Dictionary<string, object> { ["message"] = $"{marker} bad", ["timestamp"] = "yesterday" },
            new Dictionary<string, object> { ["service"] = "api" });

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("logs[2].timestamp", out _), problem.RootElement.ToString());
        Assert.True(errors.TryGetProperty("logs[3].message", out _), problem.RootElement.ToString());
        Assert.Equal(2, problem.RootElement.GetProperty("error_count").GetInt32());
        Assert.Contains("logs[2].timestamp", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A later valid batch becomes visible; the rejected one never does.
        using var ok = await client.PostAsync("/v1/logs", Some.LogBatch(Some.Log($"{marker} later")));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        var lines = await LogsReader.WaitForAsync(client, $"q={marker}", 1);
        Assert.Equal($"{marker} later", Assert.Single(lines).GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"name":"cpu","type":"gauge"}""", "metrics[0].value")]
    [InlineData("""{"name":"9cpu","type":"gauge","value":1}""", "metrics[0].name")]
    [InlineData("""{"name":"cpu","type":"summary","value":1}""", "metrics[0].type")]
    [InlineData("""{"name":"c","type":"counter","value":-1}""", "metrics[0].value")]
    [InlineData("""{"name":"h","type":"histogram","buckets":[{"le":1,"count":5},{"le":0.5,"count":6}],"sum":1}""", "metrics[0].buckets[1].le")]
    [InlineData("""{"name":"cpu","type":"gauge","value":1,"labels":{"__name__":"x"}}""", "metrics[0].labels.__name__")]
    public async Task Invalid_metrics_are_named_precisely(string item, string field)
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/metrics", $$"""{"metrics":[{{item}}]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Theory]
    [InlineData("/v1/traces", """{"spans":[{"span_id":"a","name":"x","start":1730368800,"end":1730368801}]}""", "spans[0].trace_id")]
    [InlineData("/v1/traces", """{"spans":[{"trace_id":"t","span_id":"a","name":"x","start":1730368800}]}""", "spans[0].end")]
    [InlineData("/v1/traces", """{"spans":[{"trace_id":"t","span_id":"a","name":"x","start":1730368800,"end":1730368700}]}""", "spans[0].end")]
    [InlineData("/v1/rum", """{"events":[{"type":"vital","session_id":"s","vital_name":"LCP"}]}""", "events[0].vital_value")]
    [InlineData("/v1/rum", """{"events":[{"type":"click","session_id":"s"}]}""", "events[0].type")]
    [InlineData("/v1/rum", """{"events":[{"type":"error","session_id":"s"}]}""", "events[0].error_message")]
    public async Task Invalid_spans_and_rum_events_are_named_precisely(string path, string body, string field)
    {
        // The epochs above (2024-10-31) are older than the org's retention, which is refused on its own: move them to
        // an hour ago, keeping their distances.
        long start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        body = body.Replace("1730368800", $"{start}", StringComparison.Ordinal).Replace("1730368801", $"{start + 1}", StringComparison.Ordinal)
            .Replace("1730368700", $"{start - 100}", StringComparison.Ordinal);
        var client = app.NewClient();
        using var response = await client.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Timestamps_outside_the_accepted_window_are_rejected()
    {
        var client = app.NewClient();
        string future = DateTime.UtcNow.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var tooNew = await client.PostAsync("/v1/logs", Some.LogBatch(Some.Log("x", timestamp: future)));
        using var tooOld = await client.PostAsync("/v1/logs", Some.LogBatch(Some.Log("x", timestamp: "1999-01-01T00:00:00Z")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooNew.StatusCode);
        Assert.Contains("future", await tooNew.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooOld.StatusCode);
        Assert.Contains("older than the accepted window", await tooOld.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Epoch_timestamps_in_seconds_milliseconds_and_nanoseconds_mean_the_same_instant()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        long seconds = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds();
        string body = $$"""{"logs":[{"message":"{{marker}} s","timestamp":{{seconds}}},{"message":"{{marker}} ms","timestamp":{{seconds * 1000}}},{"message":"{{marker}} ns","timestamp":{{seconds * 1_000_000_000}}},{"message":"{{marker}} str","timestamp":"{{seconds}}"}]}""";

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var lines = await LogsReader.WaitForAsync(client, $"q={marker}", 4);
        string expected = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(lines, l => Assert.Equal(expected, l.GetProperty("timestamp").GetString()));
    }

    [Fact]
    public async Task Levels_are_normalised_and_the_service_defaults_to_unknown()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = $$"""{"logs":[{"message":"{{marker}} a","level":"WARNING"},{"message":"{{marker}} b","level":"Critical"},{"message":"{{marker}} c"}]}""";

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var lines = await LogsReader.WaitForAsync(client, $"q={marker}", 3);
        var byMessage = lines.ToDictionary(l => l.GetProperty("message").GetString()!, l => l);
        Assert.Equal("warn", byMessage[$"{marker} a"].GetProperty("level").GetString());
        Assert.Equal("fatal", byMessage[$"{marker} b"].GetProperty("level").GetString());
        Assert.Equal("info", byMessage[$"{marker} c"].GetProperty("level").GetString());
        Assert.Equal("unknown", byMessage[$"{marker} c"].GetProperty("service").GetString());
    }

    [Fact]
    public async Task Unknown_fields_are_kept_as_attributes()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = $$$"""{"logs":[{"message":"{{{marker}}}","env":"prod","attributes":{"http":{"status":503},"user_id":"42"}}]}""";

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        var attributes = line.GetProperty("attributes");
        Assert.Equal("prod", attributes.GetProperty("env").GetString());
        Assert.Equal(503, attributes.GetProperty("http").GetProperty("status").GetInt32());
        Assert.Equal("42", attributes.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Too_many_items_is_a_413()
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/traces", JsonSerializer.Serialize(new
        {
            spans = Enumerable.Range(0, 501).Select(i => new { trace_id = "t", span_id = $"s{i}", name = "n", start = 1730368800, duration_ms = 1 }),
        }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 500", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_bomb_is_a_413_not_an_out_of_memory()
    {
        var client = app.NewClient();
        // 40 MB of spaces inside a JSON string compresses to ~40 KB.
        string bomb = "{\"logs\":[{\"message\":\"" + new string(' ', 40 * 1024 * 1024) + "\"}]}";
        using var response = await client.PostAsync("/v1/logs", bomb, gzip: true);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413()
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/logs", "{\"logs\":[{\"message\":\"" + new string('x', 17 * 1024 * 1024) + "\"}]}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_wrong_content_type_is_a_415(string contentType)
    {
        var client = app.NewClient();
        using var response = await client.PostAsync("/v1/logs", SeedBody, contentType: contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_unsupported_content_encoding_is_a_415()
    {
        var client = app.NewClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(SeedBody, Encoding.UTF8, "application/json") };
        request.Content.Headers.ContentEncoding.Add("br");
        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_get_the_same_answer_and_are_stored_once()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = Some.Logs(2, marker);

        using var first = await client.PostAsync("/v1/logs", body, idempotencyKey: marker);
        using var second = await client.PostAsync("/v1/logs", body, idempotencyKey: marker);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.True(second.Headers.Contains("x-idempotent-replay"));

        // Send a later marker batch and wait for it, so the retried one had every chance to be stored.
        using var after = await client.PostAsync("/v1/logs", Some.Logs(1, marker + "-after"));
        await LogsReader.WaitForAsync(client, $"q={marker}-after", 1);
        var lines = await LogsReader.ReadAsync(client, $"q={marker}%20");
        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_are_stored_once()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = Some.Logs(1, marker);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync("/v1/logs", body, idempotencyKey: marker)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single(responses.Select(r => r.Content.ReadAsStringAsync().Result).Distinct());
        using var after = await client.PostAsync("/v1/logs", Some.Logs(1, marker + "-after"));
        await LogsReader.WaitForAsync(client, $"q={marker}-after", 1);
        Assert.Single(await LogsReader.ReadAsync(client, $"q={marker}%20"));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        var client = app.NewClient();
        string key = Guid.NewGuid().ToString("N");
        using var first = await client.PostAsync("/v1/logs", Some.Logs(1, "one"), idempotencyKey: key);
        using var second = await client.PostAsync("/v1/logs", Some.Logs(1, "two"), idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Contains("different batch", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_ready_with_pipeline_and_runtime_figures()
    {
        // Other tests of this class ingest into the same app; on a starved machine its backlog can honestly make it
        // not ready for a while, so wait for ready (the body says why it is not) instead of taking the first answer.
        var http = app.Factory.CreateClient();
        var (status, text) = await Poll.UntilAsync(
            async () =>
            {
                using var answer = await http.GetAsync("/healthz");
                return (answer.StatusCode, await answer.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            "/healthz to say ready");

        Assert.Equal(HttpStatusCode.OK, status);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        Assert.True(body.RootElement.GetProperty("pipeline").GetProperty("committedAddress").GetInt64() > 0);
        var runtime = body.RootElement.GetProperty("runtime");
        Assert.True(runtime.GetProperty("workingSetBytes").GetInt64() > runtime.GetProperty("managedHeapBytes").GetInt64());
        Assert.True(runtime.GetProperty("gcPauseMsTotal").GetDouble() >= 0);
        Assert.True(runtime.GetProperty("gen0Collections").GetInt32() >= runtime.GetProperty("gen2Collections").GetInt32());
    }

    [Fact]
    public async Task The_api_is_documented_in_openapi_and_served_at_docs()
    {
        var http = app.Factory.CreateClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (string path in new[] { "/v1/logs", "/v1/metrics", "/v1/traces", "/v1/rum", "/api/logs" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("LogEventDoc").GetProperty("properties").TryGetProperty("trace_id", out _));
        using var docs = await http.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// Through HTTP, what an agent sees for input that cannot be stored: a 400 or 422 problem naming the place and the
/// reason (never a 202 that kills the pipeline, never a 500 that it retries forever), and a 415 that says which
/// content types are accepted. What is valid but unusual (NUL, control characters) is stored and read back as sent.
/// </summary>
public sealed class HostileInputTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Theory]
    [InlineData("/v1/logs", """{"logs":[{"message":"{marker}","attributes":{"user":{"\ud800name":"x"}}}]}""", @"logs[0].attributes.user.\ud800name")]
    [InlineData("/v1/traces", """{"spans":[{"trace_id":"t","span_id":"s","name":"{marker}","start":"{now}","duration_ms":1,"attributes":{"db":"\udc00"}}]}""", "spans[0].attributes.db")]
    [InlineData("/v1/rum", """{"events":[{"type":"view","session_id":"s","url":"{marker}\ud800"}]}""", "events[0].url")]
    public async Task A_lone_surrogate_is_a_422_naming_the_path_and_the_next_batch_is_still_stored(string path, string body, string field)
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync(path, Fill(body, marker));

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var reasons), problem.ToString());
        Assert.Contains("surrogate", reasons[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("nothing was stored", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var next = await client.PostAsync("/v1/logs", Some.Logs(2, marker));
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        Assert.Equal(2, (await LogsReader.WaitForAsync(client, $"q={marker}", 2, TimeSpan.FromSeconds(15))).Count);
    }

    [Fact]
    public async Task An_invalid_utf8_byte_next_to_an_at_sign_is_a_422_naming_the_attribute()
    {
        byte[] body = [.. "{\"logs\":[{\"message\":\"m\",\"attributes\":{\"email\":\"jane@"u8, 0xFF, .. "example.com\"}}]}"u8];

        using var response = await SendAsync("/v1/logs", body);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        var reason = problem.GetProperty("errors").GetProperty("logs[0].attributes.email")[0].GetString();
        Assert.Equal("is not valid UTF-8 (byte 0xFF at position 5); send UTF-8 text, and encode binary data (e.g. as base64)", reason);
    }

    [Fact]
    public async Task A_span_lasting_1e15_ms_is_a_422_not_a_500()
    {
        using var response = await app.NewClient().PostAsync("/v1/traces",
            $$"""{"spans":[{"trace_id":"t","span_id":"s","name":"n","start":"{{Some.Now()}}","duration_ms":1e15}]}""");

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("a duration may be at most 315576000000 ms", problem.GetProperty("errors").GetProperty("spans[0].duration_ms")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_keys_and_overflowing_numbers_are_422s_naming_the_field()
    {
        var client = app.NewClient();
        using var duplicate = await client.PostAsync("/v1/logs", """{"logs":[{"message":"a","level":"info","level":"error"}]}""");
        using var overflow = await client.PostAsync("/v1/metrics", """{"metrics":[{"name":"m","type":"gauge","value":1e400}]}""");

        var duplicateProblem = await ProblemAsync(duplicate, HttpStatusCode.UnprocessableEntity);
        var overflowProblem = await ProblemAsync(overflow, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("appears twice in the same object; each property name may appear only once", duplicateProblem.GetProperty("errors").GetProperty("logs[0].level")[0].GetString());
        Assert.StartsWith("is 1e400, beyond the range", overflowProblem.GetProperty("errors").GetProperty("metrics[0].value")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_outside_the_items_is_a_400_naming_where()
    {
        using var response = await app.NewClient().PostAsync("/v1/logs", """{"agent":{"version":"\ud800"},"logs":[{"message":"m"}]}""");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("agent.version holds the escape \\ud800", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    public async Task A_charset_other_than_utf8_or_a_type_other_than_json_is_a_415_naming_what_is_accepted(string contentType)
    {
        using var response = await app.NewClient().PostAsync("/v1/logs", Some.Logs(1), contentType: contentType);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(
            $"Content-Type '{contentType}' is not accepted; send application/json or application/json; charset=utf-8 (the body must be UTF-8 JSON).",
            problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=\"UTF-8\"")]
    public async Task Json_in_utf8_is_accepted_with_or_without_the_charset(string contentType)
    {
        using var response = await app.NewClient().PostAsync("/v1/logs", Some.Logs(1), contentType: contentType);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Control_characters_are_stored_and_read_back_as_sent_and_nul_is_kept_in_attributes()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");
        string body = """{"logs":[{"message":"MARKER soh\u0001 bell\u0007 esc\u001b del\u007f tab\t end","attributes":{"raw":"a\u0000b\u0001c","key\u0000":1}}]}"""
            .Replace("MARKER", marker, StringComparison.Ordinal);

        using var response = await client.PostAsync("/v1/logs", body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = Assert.Single(await LogsReader.WaitForAsync(client, $"q={marker}", 1));
        Assert.Equal($"{marker} soh\u0001 bell\a esc\u001b del\u007f tab\t end", line.GetProperty("message").GetString());
        Assert.Equal("a\0b\u0001c", line.GetProperty("attributes").GetProperty("raw").GetString());
        Assert.Equal(1, line.GetProperty("attributes").GetProperty("key\0").GetInt32());
    }

    [Fact]
    public async Task A_nul_in_the_message_is_a_422_instead_of_a_202_and_a_message_cut_short()
    {
        var client = app.NewClient();
        string marker = Guid.NewGuid().ToString("N");

        using var response = await client.PostAsync("/v1/logs", $$"""{"logs":[{"message":"{{marker}} before\u0000after"}]}""");

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("holds a NUL character", problem.GetProperty("errors").GetProperty("logs[0].message")[0].GetString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-org-key", app.Key.Id);
        request.Headers.Add("x-signature", SignedClient.Sign(app.Key.Secret, body));
        return await app.Factory.CreateClient().SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static string Fill(string body, string marker) =>
        body.Replace("{marker}", marker, StringComparison.Ordinal).Replace("{now}", Some.Now(), StringComparison.Ordinal);
}

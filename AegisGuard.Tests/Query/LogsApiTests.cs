using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query;

/// <summary>GET /api/logs on known data: filters, ordering, limits, authentication and isolation.</summary>
public sealed class LogsApiTests : IClassFixture<LogsApiTests.KnownData>
{
    private readonly KnownData data;

    public LogsApiTests(KnownData data) => this.data = data;

    /// <summary>Twelve lines of org "logs-a" one minute apart (and noise in org "logs-b"), sent once for the class.</summary>
    public sealed class KnownData : IAsyncLifetime, IDisposable
    {
        public AegisAppFactory Factory { get; } = new();

        public SignedClient A { get; private set; } = null!;

        public SignedClient B { get; private set; } = null!;

        public DateTime Start { get; } = DateTime.UtcNow.AddHours(-2).Date.AddHours(DateTime.UtcNow.AddHours(-2).Hour);

        public async Task InitializeAsync()
        {
            A = new SignedClient(Factory.CreateClient(), Factory.CreateKey("logs-a").Key);
            B = new SignedClient(Factory.CreateClient(), Factory.CreateKey("logs-b").Key);
            var lines = Enumerable.Range(0, 12).Select(i => Some.Log(
                message: i % 3 == 0 ? $"payment TIMEOUT after {i}s" : $"request {i} served",
                service: i % 2 == 0 ? "api" : "web",
                level: i % 4 == 0 ? "error" : "info",
                timestamp: Start.AddMinutes(i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                traceId: $"trace{i}")).ToArray();
            using var a = await A.PostAsync("/v1/logs", Some.LogBatch(lines));
            using var b = await B.PostAsync("/v1/logs", Some.LogBatch(lines));
            Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
            await LogsReader.WaitForAsync(A, Range(), 12);
            await LogsReader.WaitForAsync(B, Range(), 12);
        }

        public string Range() => $"from={Start:yyyy-MM-ddTHH:mm:ssZ}&to={Start.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}&limit=1000";

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Factory.Dispose();
    }

    [Fact]
    public async Task Lines_come_newest_first_with_every_field()
    {
        var lines = await LogsReader.ReadAsync(data.A, data.Range());

        Assert.Equal(12, lines.Count);
        Assert.Equal(Enumerable.Range(0, 12).Reverse().Select(i => $"trace{i}"), lines.Select(l => l.GetProperty("trace_id").GetString()));
        var first = lines[0];
        Assert.Equal("web", first.GetProperty("service").GetString());
        Assert.Equal("info", first.GetProperty("level").GetString());
        Assert.Equal("request 11 served", first.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Object, first.GetProperty("attributes").ValueKind);
    }

    [Fact]
    public async Task Service_level_and_substring_filters_combine()
    {
        var errorsOfApi = await LogsReader.ReadAsync(data.A, data.Range() + "&service=api&level=error");
        var timeouts = await LogsReader.ReadAsync(data.A, data.Range() + "&q=timeout");
        var apiTimeouts = await LogsReader.ReadAsync(data.A, data.Range() + "&q=Timeout&service=api");

        Assert.Equal(["trace8", "trace4", "trace0"], errorsOfApi.Select(l => l.GetProperty("trace_id").GetString()));
        Assert.Equal(["trace9", "trace6", "trace3", "trace0"], timeouts.Select(l => l.GetProperty("trace_id").GetString()));
        Assert.Equal(["trace6", "trace0"], apiTimeouts.Select(l => l.GetProperty("trace_id").GetString()));
    }

    [Fact]
    public async Task The_time_range_is_from_inclusive_to_exclusive_and_limit_cuts_the_newest()
    {
        string from = data.Start.AddMinutes(3).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        string to = data.Start.AddMinutes(6).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var window = await LogsReader.ReadAsync(data.A, $"from={from}&to={to}");
        var limited = await LogsReader.ReadAsync(data.A, data.Range().Replace("limit=1000", "limit=2", StringComparison.Ordinal));

        Assert.Equal(["trace5", "trace4", "trace3"], window.Select(l => l.GetProperty("trace_id").GetString()));
        Assert.Equal(["trace11", "trace10"], limited.Select(l => l.GetProperty("trace_id").GetString()));
    }

    [Fact]
    public async Task Each_org_sees_only_its_own_lines()
    {
        using var extra = await data.B.PostAsync("/v1/logs", Some.LogBatch(Some.Log("only-in-b", timestamp: data.Start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))));
        await LogsReader.WaitForAsync(data.B, data.Range() + "&q=only-in-b", 1);

        Assert.Empty(await LogsReader.ReadAsync(data.A, data.Range() + "&q=only-in-b"));
        Assert.Equal(12, (await LogsReader.ReadAsync(data.A, data.Range())).Count);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("level=loud", "level")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    public async Task Bad_query_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        using var response = await data.A.GetAsync("/api/logs?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Reading_needs_a_valid_key_with_the_read_scope()
    {
        var http = data.Factory.CreateClient();
        using var anonymous = await http.GetAsync("/api/logs");
        var wrongSecret = new HttpRequestMessage(HttpMethod.Get, "/api/logs");
        wrongSecret.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "obs_nope.nope");
        using var bad = await http.SendAsync(wrongSecret);
        var (_, ingestOnly) = data.Factory.CreateKey("logs-a", scopes: "ingest");
        using var forbidden = await new SignedClient(http, ingestOnly).GetAsync("/api/logs");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task A_revoked_read_key_is_refused_at_once()
    {
        var (org, key) = data.Factory.CreateKey("logs-a");
        var client = new SignedClient(data.Factory.CreateClient(), key);
        Assert.Equal(12, (await LogsReader.ReadAsync(client, data.Range())).Count);

        data.Factory.Service<ApiKeyService>().Revoke(org.Id, key.Id);
        using var response = await client.GetAsync("/api/logs?" + data.Range());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Ten_thousand_lines_can_be_read_in_one_call()
    {
        using var factory = new AegisAppFactory();
        var client = new SignedClient(factory.CreateClient(), factory.CreateKey().Key);
        for (int batch = 0; batch < 10; batch++)
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(1000, $"bulk{batch}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var lines = await LogsReader.WaitForAsync(client, "q=bulk&limit=10000", 10_000);
        Assert.Equal(10_000, lines.Count);
        Assert.Equal(10_000, lines.Select(l => l.GetProperty("id").GetString()).Distinct().Count());
    }
}

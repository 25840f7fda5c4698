using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// LogQL-lite answers over HTTP where Loki's semantics decide: logfmt tokens, JSON field names and numbers as
/// written, and metric steps that reach the end of the requested range.
/// </summary>
public sealed class LokiCompatibilityApiTests : IClassFixture<LokiCompatibilityApiTests.Lines>
{
    private readonly Lines data;

    public LokiCompatibilityApiTests(Lines data) => this.data = data;

    /// <summary>Eight lines of org "loki-a", all in the last 30 minutes.</summary>
    public sealed class Lines : IAsyncLifetime, IDisposable
    {
        public static readonly string[] Messages =
        [
            "msg=\"upstream replied code=503 route=/oops\" code=200 err=\"conn \\\"reset\\\"\" path=\"x\\\\y\"",
            "   {\"user\":{\"plan\":\"pro\"},\"content-type\":\"text/html\",\"price\":2.50,\"n\":10}",
            "{\"user\":{\"plan\":\"free\"},\"price\":2.5,\"n\":1e1,\"tags\":[\"a\"]}",
            "code=503 msg=plain",
            "{\"price\":\"2.50\",\"n\":7}",
            "no fields here",
            "first\nsecond",
            "{\"note\":\"a\\nb\"}",
        ];

        public AegisAppFactory Factory { get; } = new();

        public SignedClient Client { get; private set; } = null!;

        public DateTime Now { get; } = DateTime.UtcNow;

        public async Task InitializeAsync()
        {
            Client = new SignedClient(Factory.CreateClient(), Factory.CreateKey("loki-a").Key);
            var lines = Messages.Select((m, i) => Some.Log(m, service: "svc", timestamp: Iso(Now.AddMinutes(-25).AddSeconds(i)), traceId: $"m{i}")).ToArray();
            using var response = await Client.PostAsync("/v1/logs", Some.LogBatch(lines));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await Poll.UntilAsync(() => Ids("{}"), ids => ids.Count == Messages.Length, what: "the eight lines");
        }

        public async Task<List<string>> Ids(string query)
        {
            using var json = await GetAsync(Client, $"/api/logs/query?query={Uri.EscapeDataString(query)}&from={Iso(Now.AddHours(-1))}&to={Iso(Now.AddMinutes(1))}&limit=100&direction=forward");
            return json.RootElement.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("trace_id").GetString()!).ToList();
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData("{} | logfmt | code = 200", "m0")]
    [InlineData("{} | logfmt | code = 503", "m3")]
    [InlineData("{} | logfmt | route != \"\"", "")]
    [InlineData("{} | logfmt | msg = \"upstream replied code=503 route=/oops\"", "m0")]
    [InlineData("{} | logfmt | err = `conn \"reset\"`", "m0")]
    [InlineData("{} | logfmt | path = `x\\y`", "m0")]
    [InlineData("{} | json | user_plan = \"pro\"", "m1")]
    [InlineData("{} | json | user.plan = \"free\"", "m2")]
    [InlineData("{} | json | content_type = \"text/html\"", "m1")]
    [InlineData("{} | json | price = \"2.50\"", "m1 m4")]
    [InlineData("{} | json | price = 2.5", "m1 m2 m4")]
    [InlineData("{} | json | n = 10", "m1 m2")]
    [InlineData("{} | json | tags != \"\"", "")]
    [InlineData("{} |~ \"first.second\"", "")]
    [InlineData("{} |~ \"first\\nsecond\"", "m6")]
    [InlineData("{} |~ \"(?s)first.second\"", "m6")]
    [InlineData("{} !~ \"first.second\" |= \"second\"", "m6")]
    [InlineData("{} | json | note =~ \"a.b\"", "m7")]
    [InlineData("{} | json | note = \"a\\nb\"", "m7")]
    public async Task Parsed_fields_answer_as_loki_would(string query, string expected)
    {
        Assert.Equal(expected, string.Join(' ', await data.Ids(query)));
    }

    [Fact]
    public async Task Grouping_by_a_json_number_keeps_the_text_as_written()
    {
        // Only JSON lines: Loki would fail the query on the others' parse errors (__error__).
        var series = await Series("sum by (n) (count_over_time({} |= `\"n\":` | json [1h]))", step: "3600");

        Assert.Equal(["n=10", "n=1e1", "n=7"], series.Keys);
    }

    [Fact]
    public async Task A_step_of_an_hour_over_the_last_hour_counts_the_last_30_minutes()
    {
        var series = await Series("sum(count_over_time({}[1h]))", step: "3600");

        var points = Assert.Single(series).Value;
        Assert.Equal(((data.Now - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond) / 1e6, points[^1].Time, 3);
        Assert.Equal(8, points[^1].Value);
    }

    [Fact]
    public async Task Steps_start_at_from_and_end_at_the_last_step_not_after_to()
    {
        using var json = await GetAsync(data.Client,
            $"/api/logs/query?query={Uri.EscapeDataString("count_over_time({}[10m])")}&from={Iso(data.Now.AddMinutes(-30))}&to={Iso(data.Now.AddMinutes(-5))}&step=600");

        double from = Unix(data.Now.AddMinutes(-30));
        Assert.Equal(from, json.RootElement.GetProperty("start").GetDouble(), 3);
        Assert.Equal(from + 1200, json.RootElement.GetProperty("end").GetDouble(), 3);
        var point = Assert.Single(Assert.Single(json.RootElement.GetProperty("series").EnumerateArray().ToList()).GetProperty("points").EnumerateArray().ToList());
        Assert.Equal(from + 600, point[0].GetDouble(), 3);
        Assert.Equal(8, point[1].GetDouble());
    }

    private async Task<SortedDictionary<string, List<(double Time, double Value)>>> Series(string query, string step)
    {
        using var json = await GetAsync(data.Client, $"/api/logs/query?query={Uri.EscapeDataString(query)}&from={Iso(data.Now.AddHours(-1))}&to={Iso(data.Now)}&step={step}");
        var result = new SortedDictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        foreach (var series in json.RootElement.GetProperty("series").EnumerateArray())
        {
            string key = string.Join(',', series.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}"));
            result[key] = series.GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();
        }

        return result;
    }

    private static double Unix(DateTime time) => (time - DateTime.UnixEpoch).TotalSeconds;

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);

    private static async Task<JsonDocument> GetAsync(SignedClient client, string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }
}

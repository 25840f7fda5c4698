using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;
using static AegisGuard.Tests.Query.Traces.TraceBatches;

namespace AegisGuard.Tests.Query.Traces;

/// <summary>
/// Span events, links and resource through the signed POST /v1/traces and GET /api/traces/{id}: returned as sent,
/// PII scrubbed before storage, links marked by whether the org stores the linked trace; and 64-bit (16-digit) trace ids
/// found under either form, in spans and in the trace's logs.
/// </summary>
public sealed class SpanDetailApiTests : IClassFixture<SpanDetailApiTests.DetailedTraces>
{
    private const string Trace = "5b8efff798038103d269b633813fc60c";
    private const string Linked = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string Foreign = "ffffffffffffffffffffffffffffffff";
    private const string Short = "a3ce929d0e0e4736";
    private const string Widened = "0000000000000000" + Short;
    private readonly DetailedTraces data;

    public SpanDetailApiTests(DetailedTraces data) => this.data = data;

    /// <summary>
    /// Org detail-a: a trace whose root has two events (one with an e-mail address), links to trace <see cref="Linked"/>
    /// (stored) and <see cref="Foreign"/> (not stored here) and resource attributes; a Zipkin-style trace sent with a
    /// 16-digit id, and log lines carrying that id in both forms. Org detail-b stores <see cref="Foreign"/>.
    /// </summary>
    public sealed class DetailedTraces : IAsyncLifetime, IDisposable
    {
        public AegisAppFactory Factory { get; } = new();

        public SignedClient A { get; private set; } = null!;

        public SignedClient B { get; private set; } = null!;

        public DateTime T0 { get; } = DateTime.UtcNow.AddMinutes(-30);

        public async Task InitializeAsync()
        {
            A = new SignedClient(Factory.CreateClient(), Factory.CreateKey("detail-a").Key);
            B = new SignedClient(Factory.CreateClient(), Factory.CreateKey("detail-b").Key);
            var root = Span(Trace, "r000000000000001", null, "api", "POST /pay", "server", T0, 100);
            root["events"] = new object[]
            {
                new { name = "charge started", time = Time(T0.AddMilliseconds(10)), attributes = new { amount = 42 } },
                new { name = "receipt sent to jane@example.com", time = Time(T0.AddMilliseconds(90.5)), attributes = new { to = "jane@example.com", password = "hunter2" } },
            };
            root["links"] = new object[]
            {
                new { trace_id = Linked, span_id = "l000000000000001", attributes = new { relation = "follows_from" } },
                new { trace_id = Foreign, span_id = "f000000000000001" },
            };
            root["resource"] = new Dictionary<string, object> { ["service.version"] = "1.4.2", ["host.name"] = "web-1", ["deployment.environment"] = "prod" };
            await SendAsync(A, root, Span(Trace, "r000000000000002", "r000000000000001", "db", "INSERT", "client", T0.AddMilliseconds(20), 30));
            await SendAsync(A, Span(Linked, "l000000000000001", null, "worker", "job", "consumer", T0.AddSeconds(1), 10));
            await SendAsync(B, Span(Foreign, "f000000000000001", null, "other", "secret", "server", T0, 5));
            await SendAsync(A, Span(Short.ToUpperInvariant(), "z000000000000001", null, "zipkin-svc", "GET /legacy", "server", T0.AddSeconds(2), 7));
            object[] lines =
            [
                new { timestamp = Time(T0.AddSeconds(2)), service = "zipkin-svc", message = "short form", trace_id = Short },
                new { timestamp = Time(T0.AddSeconds(2)), service = "zipkin-svc", message = "long form", trace_id = Widened },
            ];
            using (var response = await A.PostAsync("/v1/logs", Some.LogBatch(lines)))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            await Poll.UntilAsync(() => GetAsync(A, $"/api/traces/{Trace}"), r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("spanCount").GetInt32() == 2, what: "the detailed trace");
            await Poll.UntilAsync(() => GetAsync(A, $"/api/traces?traceId={Linked}&from={Time(T0.AddHours(-1))}"), r => r.Status == HttpStatusCode.OK && r.Body.GetProperty("traces").GetArrayLength() == 1, what: "the linked trace's summary");
            await Poll.UntilAsync(() => GetAsync(A, $"/api/traces/{Widened}"), r => r.Status == HttpStatusCode.OK, what: "the 64-bit trace");
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Factory.Dispose();
    }

    [Fact]
    public async Task A_spans_events_links_and_resource_are_returned_with_the_trace()
    {
        var body = await OkAsync(data.A, $"/api/traces/{Trace}");

        var root = body.GetProperty("spans")[0];
        Assert.Equal("r000000000000001", root.GetProperty("spanId").GetString());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["charge started", "receipt sent to [REDACTED:email]"], events.Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(data.T0.AddMilliseconds(10), events[0].GetProperty("time").GetDateTime().ToUniversalTime());
        Assert.Equal(42, events[0].GetProperty("attributes").GetProperty("amount").GetInt32());
        var links = root.GetProperty("links").EnumerateArray().ToList();
        Assert.Equal([(Linked, "l000000000000001", true), (Foreign, "f000000000000001", false)],
            links.Select(l => (l.GetProperty("traceId").GetString(), l.GetProperty("spanId").GetString(), l.GetProperty("traceStored").GetBoolean())));
        Assert.Equal("follows_from", links[0].GetProperty("attributes").GetProperty("relation").GetString());
        var resource = root.GetProperty("resource");
        Assert.Equal(("1.4.2", "web-1", "prod"), (resource.GetProperty("service.version").GetString(), resource.GetProperty("host.name").GetString(), resource.GetProperty("deployment.environment").GetString()));
        var child = body.GetProperty("spans")[1];
        Assert.Equal((0, 0), (child.GetProperty("events").GetArrayLength(), child.GetProperty("links").GetArrayLength()));
        Assert.Equal(JsonValueKind.Object, child.GetProperty("resource").ValueKind);
        Assert.Empty(child.GetProperty("resource").EnumerateObject());
    }

    [Fact]
    public async Task Pii_in_event_attributes_is_scrubbed_before_it_is_stored()
    {
        var body = await OkAsync(data.A, $"/api/traces/{Trace}");

        var attributes = body.GetProperty("spans")[0].GetProperty("events")[1].GetProperty("attributes");
        Assert.Equal("[REDACTED:email]", attributes.GetProperty("to").GetString());
        Assert.Equal("[REDACTED:secret]", attributes.GetProperty("password").GetString());
        Assert.DoesNotContain("jane@example.com", body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_64_bit_trace_id_finds_its_trace_under_the_short_and_the_widened_form()
    {
        var byShort = await OkAsync(data.A, $"/api/traces/{Short}");
        var byWidened = await OkAsync(data.A, $"/api/traces/{Widened}");
        var byUpper = await OkAsync(data.A, $"/api/traces/{Short.ToUpperInvariant()}");

        foreach (var body in new[] { byShort, byWidened, byUpper })
        {
            Assert.Equal(Widened, body.GetProperty("traceId").GetString());
            Assert.Equal(["z000000000000001"], body.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("spanId").GetString()));
        }

        var search = await OkAsync(data.A, $"/api/traces?traceId={Short}&from={Time(data.T0.AddHours(-1))}");
        Assert.Equal([Widened], search.GetProperty("traces").EnumerateArray().Select(t => t.GetProperty("traceId").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(data.B, $"/api/traces/{Short}")).Status);
    }

    [Fact]
    public async Task The_logs_query_of_a_widened_trace_id_finds_log_lines_with_either_form()
    {
        // Trace → logs: the selector the trace page sends for a widened id (trace-view.js, TraceModel.LogsHref).
        string query = Uri.EscapeDataString($"{{trace_id=~\"{Widened}|{Short}\"}}");
        var logs = await Poll.UntilAsync(() => OkAsync(data.A, $"/api/logs/query?query={query}&from={Uri.EscapeDataString(Time(data.T0.AddHours(-1)))}"),
            b => b.GetProperty("logs").GetArrayLength() == 2, what: "both log lines");
        Assert.Equal(["long form", "short form"], logs.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("message").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_openapi_document_describes_span_events_links_and_resource()
    {
        using var http = data.Factory.CreateClient();
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var span = schemas.GetProperty("SpanDoc").GetProperty("properties");
        Assert.Contains("at most 128", span.GetProperty("events").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(span.TryGetProperty("links", out _));
        Assert.True(span.TryGetProperty("resource", out _));
        Assert.True(schemas.GetProperty("SpanEventDoc").GetProperty("properties").TryGetProperty("time", out _));
        Assert.True(schemas.GetProperty("SpanLinkDoc").GetProperty("properties").TryGetProperty("trace_id", out _));
    }
}

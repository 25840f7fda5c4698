using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Known traces for the trace page tests: an ingest+read key of org <c>default</c> made with the CLI of the running
/// appliance, spans and log lines sent as signed batches, and waits until they can be read back (storage is about a
/// second behind the 202).
/// </summary>
public sealed class TracesBrowserSupport : IDisposable
{
    /// <summary>The checkout trace: web → api → db; the api's "charge card" span failed, and with it the api's request.</summary>
    public const string CheckoutTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    public const string RootSpan = "a000000000000001";
    public const string WebClientSpan = "a000000000000002";
    public const string ApiServerSpan = "a000000000000003";
    public const string DbSpan = "a000000000000004";
    public const string ChargeSpan = "a000000000000005";

    /// <summary>The root span of <see cref="LargeTraceSpans"/>.</summary>
    public const string LargeRootSpan = "b000000000000000";

    private readonly HttpClient http;

    private TracesBrowserSupport(HttpClient http, SignedClient client, DateTime start)
    {
        this.http = http;
        Client = client;
        CheckoutStart = start;
    }

    public SignedClient Client { get; }

    /// <summary>When the checkout trace's root span starts (a minute before the test began, so it is in "last 1 h").</summary>
    public DateTime CheckoutStart { get; }

    public static async Task<TracesBrowserSupport> CreateAsync(BrowserSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (id, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        var start = DateTime.UtcNow.AddMinutes(-1);
        start = start.AddTicks(-(start.Ticks % TimeSpan.TicksPerMillisecond));
        return new TracesBrowserSupport(http, new SignedClient(http, id, secret), start);
    }

    /// <summary>The spans of the checkout trace: (span id, parent, service, name, kind, start offset ms, duration ms, status, attributes).</summary>
    public IReadOnlyList<Dictionary<string, object?>> CheckoutSpans() =>
    [
        Span(CheckoutTraceId, RootSpan, null, "web", "GET /checkout", "server", 0, 200, "ok", new Dictionary<string, object> { ["http.method"] = "GET", ["http.route"] = "/checkout" }),
        Span(CheckoutTraceId, WebClientSpan, RootSpan, "web", "POST /orders", "client", 10, 160, "unset", null),
        Span(CheckoutTraceId, ApiServerSpan, WebClientSpan, "api", "POST /orders", "server", 15, 150, "error", new Dictionary<string, object> { ["order.id"] = "A-1042" }, "payment failed"),
        Span(CheckoutTraceId, DbSpan, ApiServerSpan, "db", "INSERT orders", "client", 30, 40, "ok", new Dictionary<string, object> { ["db.system"] = "postgresql" }),
        Span(CheckoutTraceId, ChargeSpan, ApiServerSpan, "api", "charge card", "internal", 80, 70, "error", new Dictionary<string, object> { ["payment.provider"] = "acme" }, "card declined"),
    ];

    /// <summary>One span in the wire format of <c>POST /v1/traces</c>, <paramref name="offsetMs"/> after <see cref="CheckoutStart"/>.</summary>
    public Dictionary<string, object?> Span(string traceId, string spanId, string? parent, string service, string name, string kind,
        double offsetMs, double durationMs, string status, Dictionary<string, object>? attributes, string? statusMessage = null)
    {
        var span = new Dictionary<string, object?>
        {
            ["trace_id"] = traceId,
            ["span_id"] = spanId,
            ["service"] = service,
            ["name"] = name,
            ["kind"] = kind,
            ["start"] = Iso(CheckoutStart.AddTicks((long)(offsetMs * TimeSpan.TicksPerMillisecond))),
            ["duration_ms"] = durationMs,
            ["status"] = status,
            ["attributes"] = attributes ?? new Dictionary<string, object>(),
        };
        if (parent is not null)
        {
            span["parent_span_id"] = parent;
        }

        if (statusMessage is not null)
        {
            span["status_message"] = statusMessage;
        }

        return span;
    }

    /// <summary>
    /// A trace of exactly 5,000 spans: a gateway root, 99 worker batches of 49 db items each, then 49 cache calls of the
    /// root ("get 4951" … "get 4999", the last rows of the waterfall).
    /// </summary>
    public List<Dictionary<string, object?>> LargeTraceSpans(string traceId)
    {
        var spans = new List<Dictionary<string, object?>> { Span(traceId, LargeRootSpan, null, "gateway", "GET /big", "server", 0, 5000, "ok", null) };
        int n = 1;
        for (int c = 0; c < 99; c++)
        {
            string batch = "c" + c.ToString("x15", CultureInfo.InvariantCulture);
            spans.Add(Span(traceId, batch, LargeRootSpan, "worker", $"batch {c}", "internal", c * 50, 50, "ok", null));
            n++;
            for (int g = 0; g < 49; g++, n++)
            {
                spans.Add(Span(traceId, "d" + n.ToString("x15", CultureInfo.InvariantCulture), batch, "db", $"item {c}.{g}", "client", c * 50 + g, 1, "ok", null));
            }
        }

        for (int k = 0; n < 5000; k++, n++)
        {
            spans.Add(Span(traceId, "e" + n.ToString("x15", CultureInfo.InvariantCulture), LargeRootSpan, "cache", $"get {n}", "client", 4950 + k, 0.5, "ok", null));
        }

        return spans;
    }

    /// <summary>Sends spans as one signed batch (at most 500).</summary>
    public async Task SendSpansAsync(IEnumerable<Dictionary<string, object?>> spans)
    {
        using var response = await Client.PostAsync("/v1/traces", JsonSerializer.Serialize(new { spans }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Two log lines of the checkout trace (one tied to the failed span) and one of no trace.</summary>
    public async Task SendCheckoutLogsAsync()
    {
        object[] lines =
        [
            new { timestamp = Iso(CheckoutStart.AddMilliseconds(5)), service = "web", level = "info", message = "checkout started", trace_id = CheckoutTraceId, span_id = RootSpan },
            new { timestamp = Iso(CheckoutStart.AddMilliseconds(140)), service = "api", level = "error", message = "card declined by acme", trace_id = CheckoutTraceId, span_id = ChargeSpan },
            new { timestamp = Iso(CheckoutStart.AddMilliseconds(100)), service = "api", level = "info", message = "unrelated request" },
        ];
        using (var response = await Client.PostAsync("/v1/logs", Some.LogBatch(lines)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        string query = Uri.EscapeDataString($"{{trace_id=\"{CheckoutTraceId}\"}}");
        await Poll.UntilAsync(() => CountAsync($"/api/logs/query?query={query}&from={Uri.EscapeDataString(Iso(CheckoutStart.AddHours(-1)))}", "logs"),
            count => count >= 2, TimeSpan.FromSeconds(20), "2 queryable log lines of the checkout trace");
    }

    /// <summary>Waits until <c>GET /api/traces/{id}</c> answers with <paramref name="spans"/> spans.</summary>
    public Task WaitForTraceAsync(string traceId, int spans) =>
        Poll.UntilAsync(async () =>
        {
            using var response = await Client.GetAsync($"/api/traces/{traceId}");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return 0;
            }

            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.GetProperty("spanCount").GetInt32();
        }, count => count >= spans, TimeSpan.FromSeconds(30), $"trace {traceId} with {spans} spans");

    /// <summary>The span ids <c>GET /api/traces/{id}</c> marks as on the critical path.</summary>
    public async Task<List<string>> CriticalPathAsync(string traceId)
    {
        using var response = await Client.GetAsync($"/api/traces/{traceId}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("spans").EnumerateArray()
            .Where(s => s.GetProperty("criticalPath").GetBoolean()).Select(s => s.GetProperty("spanId").GetString()!)];
    }

    /// <summary>Waits until trace search (<c>GET /api/traces?traceId=</c>) lists the trace.</summary>
    public Task WaitForSearchAsync(string traceId) =>
        Poll.UntilAsync(() => CountAsync($"/api/traces?traceId={traceId}", "traces"), count => count == 1, TimeSpan.FromSeconds(30), $"trace {traceId} in search");

    private async Task<int> CountAsync(string path, string property)
    {
        using var response = await Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty(property).GetArrayLength();
    }

    public static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public void Dispose() => http.Dispose();
}

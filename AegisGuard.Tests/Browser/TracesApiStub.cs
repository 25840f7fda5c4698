using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Answers the traces API (<c>/api/traces…</c>, <c>/api/services…</c>) inside the browser with what the shared contract
/// (notes: traces-contract) says the server answers for the known checkout trace, so the trace pages can be tested
/// on their own: the log API, sign-in and the pages themselves stay real. Every intercepted request is recorded, so a
/// test can assert on the parameters a page sends. <see cref="AddTrace"/> adds more traces by id (e.g. a 5,000-span one).
/// </summary>
public sealed class TracesApiStub
{
    private readonly ConcurrentQueue<string> requests = new();
    private readonly ConcurrentDictionary<string, object> traces = new(StringComparer.Ordinal);
    private readonly TracesBrowserSupport data;

    public TracesApiStub(TracesBrowserSupport data)
    {
        this.data = data;
        traces[TracesBrowserSupport.CheckoutTraceId] = CheckoutTrace();
    }

    /// <summary>Path and query of every request the stub answered, oldest first.</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    public void AddTrace(string traceId, object answer) => traces[traceId] = answer;

    public async Task InstallAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.RouteAsync(url => new Uri(url).AbsolutePath.StartsWith("/api/traces", StringComparison.Ordinal) ||
                                     new Uri(url).AbsolutePath.StartsWith("/api/services", StringComparison.Ordinal), AnswerAsync);
    }

    private async Task AnswerAsync(IRoute route)
    {
        var url = new Uri(route.Request.Url);
        requests.Enqueue(url.PathAndQuery);
        string path = url.AbsolutePath;
        (int status, object body) = path switch
        {
            "/api/traces" => (200, Search()),
            "/api/traces/durations" => (200, Durations()),
            "/api/services" => (200, Services()),
            "/api/services/map" => (200, Map()),
            "/api/services/map/edge" => (200, Edge()),
            _ when path.StartsWith("/api/services/", StringComparison.Ordinal) && path.EndsWith("/red", StringComparison.Ordinal) => (200, Red()),
            _ when path.StartsWith("/api/services/", StringComparison.Ordinal) && path.EndsWith("/operations", StringComparison.Ordinal) =>
                (200, Operations(Uri.UnescapeDataString(path["/api/services/".Length..^"/operations".Length]))),
            _ when path.StartsWith("/api/traces/", StringComparison.Ordinal) => TraceById(path["/api/traces/".Length..]),
            _ => (404, Problem(404, "Not found")),
        };
        await route.FulfillAsync(new RouteFulfillOptions
        {
            Status = status,
            ContentType = status == 200 ? "application/json" : "application/problem+json",
            Body = JsonSerializer.Serialize(body),
        });
    }

    private (int, object) TraceById(string id) =>
        traces.TryGetValue(id, out var trace) ? (200, trace) : (404, Problem(404, "Trace not found"));

    private static object Problem(int status, string title) => new { type = "about:blank", title, status };

    private string Start(double offsetMs) => TracesBrowserSupport.Iso(data.CheckoutStart.AddTicks((long)(offsetMs * TimeSpan.TicksPerMillisecond)));

    private object Summary() => new
    {
        traceId = TracesBrowserSupport.CheckoutTraceId,
        rootService = "web",
        rootOperation = "GET /checkout",
        start = Start(0),
        durationMs = 200.0,
        spanCount = 5,
        services = new[] { "web", "api", "db" },
        errorCount = 1,
        rootMissing = false,
    };

    private object Search() => new { traces = new[] { Summary() }, nextCursor = (string?)null, warnings = Array.Empty<string>() };

    private static object Durations()
    {
        // Ten log-spaced buckets from 1 ms to 10 s; the checkout trace (200 ms) is in the one from 158 ms to 251 ms.
        var buckets = Enumerable.Range(0, 10).Select(i => new
        {
            lowerMs = Math.Pow(10, i * 0.4),
            upperMs = Math.Pow(10, (i + 1) * 0.4),
            count = i == 5 ? 1 : 0,
        });
        return new { count = 1, percentiles = new { p50 = 200.0, p75 = 200.0, p90 = 200.0, p95 = 200.0, p99 = 200.0 }, histogram = buckets };
    }

    private static object Services() => new
    {
        services = new object[]
        {
            new { name = "api", spanCount = 2, requestRate = 1 / 3600.0, errorRate = 0.5, p50Ms = 150.0, p95Ms = 150.0, p99Ms = 150.0, operations = 2 },
            new { name = "db", spanCount = 1, requestRate = 0.0, errorRate = 0.0, p50Ms = 40.0, p95Ms = 40.0, p99Ms = 40.0, operations = 1 },
            new { name = "web", spanCount = 2, requestRate = 1 / 3600.0, errorRate = 0.0, p50Ms = 200.0, p95Ms = 200.0, p99Ms = 200.0, operations = 2 },
        },
    };

    private object Red()
    {
        long step = 60_000;
        long first = new DateTimeOffset(data.CheckoutStart).ToUnixTimeMilliseconds() / step * step - 30 * step;
        var times = Enumerable.Range(0, 61).Select(i => first + i * step).ToList();
        long hit = times[30];
        return new
        {
            stepMs = step,
            rate = times.Select(t => new object[] { t, t == hit ? 1 / 60.0 : 0.0 }),
            errors = times.Select(t => new object[] { t, 0.0 }),
            p50 = times.Select(t => new object?[] { t, t == hit ? 150.0 : null }),
            p95 = times.Select(t => new object?[] { t, t == hit ? 150.0 : null }),
            p99 = times.Select(t => new object?[] { t, t == hit ? 150.0 : null }),
        };
    }

    private static object Operations(string service) => new
    {
        service,
        operations = service switch
        {
            "api" => new object[]
            {
                new { name = "POST /orders", spanCount = 1, requestRate = 1 / 3600.0, errorRate = 0.0, p50Ms = 150.0, p95Ms = 150.0, p99Ms = 150.0 },
                new { name = "charge card", spanCount = 1, requestRate = 0.0, errorRate = 1.0, p50Ms = 70.0, p95Ms = 70.0, p99Ms = 70.0 },
            },
            "web" => new object[]
            {
                new { name = "GET /checkout", spanCount = 1, requestRate = 1 / 3600.0, errorRate = 0.0, p50Ms = 200.0, p95Ms = 200.0, p99Ms = 200.0 },
                new { name = "POST /orders", spanCount = 1, requestRate = 0.0, errorRate = 0.0, p50Ms = 160.0, p95Ms = 160.0, p99Ms = 160.0 },
            },
            _ => new object[] { new { name = "INSERT orders", spanCount = 1, requestRate = 0.0, errorRate = 0.0, p50Ms = 40.0, p95Ms = 40.0, p99Ms = 40.0 } },
        },
    };

    private static object Map() => new
    {
        nodes = new object[]
        {
            new { service = "web", spanCount = 2, requestRate = 1 / 3600.0, errorRate = 0.0, p50Ms = 200.0, p95Ms = 200.0, p99Ms = 200.0 },
            new { service = "api", spanCount = 2, requestRate = 1 / 3600.0, errorRate = 0.5, p50Ms = 150.0, p95Ms = 150.0, p99Ms = 150.0 },
            new { service = "db", spanCount = 1, requestRate = 0.0, errorRate = 0.0, p50Ms = 40.0, p95Ms = 40.0, p99Ms = 40.0 },
        },
        edges = new object[]
        {
            new { caller = "web", callee = "api", callCount = 1, ratePerSecond = 1 / 3600.0, errorRate = 0.0, p50Ms = 150.0, p95Ms = 150.0, p99Ms = 150.0 },
            new { caller = "api", callee = "db", callCount = 1, ratePerSecond = 1 / 3600.0, errorRate = 0.0, p50Ms = 40.0, p95Ms = 40.0, p99Ms = 40.0 },
        },
    };

    private object Edge() => new
    {
        caller = "web",
        callee = "api",
        operations = new[] { new { callerOperation = "POST /orders", calleeOperation = "POST /orders", callCount = 1, errorCount = 0, p95Ms = 150.0 } },
        traces = new[] { Summary() },
    };

    private object CheckoutTrace()
    {
        var spans = new[]
        {
            StubSpan(TracesBrowserSupport.RootSpan, null, "web", "GET /checkout", "server", 0, 200, 0, 1, "ok", null, true,
                new Dictionary<string, object> { ["http.method"] = "GET", ["http.route"] = "/checkout" }),
            StubSpan(TracesBrowserSupport.WebClientSpan, TracesBrowserSupport.RootSpan, "web", "POST /orders", "client", 10, 160, 1, 1, "unset", null, true, []),
            StubSpan(TracesBrowserSupport.ApiServerSpan, TracesBrowserSupport.WebClientSpan, "api", "POST /orders", "server", 15, 150, 2, 2, "unset", null, true,
                new Dictionary<string, object> { ["order.id"] = "A-1042" }),
            StubSpan(TracesBrowserSupport.DbSpan, TracesBrowserSupport.ApiServerSpan, "db", "INSERT orders", "client", 30, 40, 3, 0, "ok", null, false,
                new Dictionary<string, object> { ["db.system"] = "postgresql" }),
            StubSpan(TracesBrowserSupport.ChargeSpan, TracesBrowserSupport.ApiServerSpan, "api", "charge card", "internal", 80, 70, 3, 0, "error", "card declined", true,
                new Dictionary<string, object> { ["payment.provider"] = "acme" }),
        };
        return new
        {
            traceId = TracesBrowserSupport.CheckoutTraceId,
            start = Start(0),
            end = Start(200),
            durationMs = 200.0,
            spanCount = 5,
            errorCount = 1,
            services = new object[] { new { name = "web", spanCount = 2, errorCount = 0 }, new { name = "api", spanCount = 2, errorCount = 1 }, new { name = "db", spanCount = 1, errorCount = 0 } },
            spans,
            truncated = false,
            warnings = Array.Empty<string>(),
        };
    }

    private object StubSpan(string id, string? parent, string service, string name, string kind, double offset, double duration, int depth, int children,
        string status, string? message, bool critical, Dictionary<string, object> attributes) => new
    {
        spanId = id,
        parentSpanId = parent,
        service,
        name,
        kind,
        start = Start(offset),
        end = Start(offset + duration),
        durationMs = duration,
        offsetMs = offset,
        depth,
        childCount = children,
        status,
        statusMessage = message,
        attributes,
        events = Array.Empty<object>(),
        links = Array.Empty<object>(),
        resource = new Dictionary<string, object> { ["service.name"] = service },
        orphan = false,
        outsideParent = false,
        duplicateCount = 0,
        criticalPath = critical,
    };

    /// <summary>
    /// A trace of exactly 5,000 spans in display order: a gateway root, 99 worker batches of 49 db items each, then 49
    /// cache calls, so the waterfall's virtualisation is tested on the size the brief names without sending it.
    /// </summary>
    public object LargeTrace(string traceId)
    {
        const string root = "b000000000000000";
        var spans = new List<object>(5000);
        int n = 1;
        for (int c = 0; c < 99; c++)
        {
            string child = "c" + c.ToString("x15", CultureInfo.InvariantCulture);
            spans.Add(BigSpan(traceId, child, root, "worker", $"batch {c}", c * 50, 1, 50, 49));
            n++;
            for (int g = 0; g < 49; g++, n++)
            {
                spans.Add(BigSpan(traceId, "d" + n.ToString("x15", CultureInfo.InvariantCulture), child, "db", $"item {c}.{g}", c * 50 + g, 2, 1, 0));
            }
        }

        int cacheCalls = 0;
        while (n < 5000)
        {
            spans.Add(BigSpan(traceId, "e" + n.ToString("x15", CultureInfo.InvariantCulture), root, "cache", $"get {n}", 4950 + cacheCalls, 1, 0.5, 0));
            n++;
            cacheCalls++;
        }

        spans.Insert(0, BigSpan(traceId, root, null, "gateway", "GET /big", 0, 0, 5000, 99 + cacheCalls));
        return new
        {
            traceId,
            start = Start(0),
            end = Start(5000),
            durationMs = 5000.0,
            spanCount = spans.Count,
            errorCount = 0,
            services = new object[] { new { name = "gateway", spanCount = 1, errorCount = 0 }, new { name = "worker", spanCount = 99, errorCount = 0 }, new { name = "db", spanCount = 99 * 49, errorCount = 0 }, new { name = "cache", spanCount = cacheCalls, errorCount = 0 } },
            spans,
            truncated = false,
            warnings = Array.Empty<string>(),
        };
    }

    private object BigSpan(string traceId, string id, string? parent, string service, string name, double offset, int depth, double duration, int children) => new
    {
        spanId = id,
        parentSpanId = parent,
        service,
        name,
        kind = "internal",
        start = Start(offset),
        end = Start(offset + duration),
        durationMs = duration,
        offsetMs = offset,
        depth,
        childCount = children,
        status = "ok",
        statusMessage = (string?)null,
        attributes = new Dictionary<string, object> { ["trace"] = traceId },
        events = Array.Empty<object>(),
        links = Array.Empty<object>(),
        resource = new Dictionary<string, object>(),
        orphan = false,
        outsideParent = false,
        duplicateCount = 0,
        criticalPath = depth == 0,
    };
}

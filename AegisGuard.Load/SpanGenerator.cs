using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Builds signed <c>POST /v1/traces</c> bodies of whole, realistic traces: 20 services in a fixed call graph (gateway →
/// api → cart, catalog, orders → payments, inventory, … → their databases and queues), traces of 5 to 200 spans (most
/// small, a long tail of large fan-outs), server spans with their callers' client spans, internal and database spans,
/// about 3 % of leaf calls failing with the error propagated to their callers, and typed attributes (HTTP method, route
/// and status, db.system, region, user id). Deterministic for a seed apart from the start time.
/// </summary>
internal sealed class SpanGenerator
{
    /// <summary>The most spans one request may carry.</summary>
    public const int MaxSpansPerBody = 500;

    private static readonly string[] Services =
    [
        "gateway", "api", "auth", "users", "cart", "catalog", "search", "recommendations", "orders", "payments",
        "inventory", "shipping", "billing", "notifications", "email", "media", "reports", "scheduler", "pricing", "fraud",
    ];

    // Who calls whom: index into Services → callees.
    private static readonly int[][] Calls =
    [
        [1], [2, 4, 5, 6, 8, 3], [3], [], [5, 18], [7, 15, 18], [5, 7], [5], [9, 10, 11, 12, 13, 19], [19, 12],
        [], [10, 13], [13], [14], [], [], [12, 3], [16, 13], [], [],
    ];

    private static readonly string[] Databases = ["postgresql", "redis", "elasticsearch", "mongodb"];
    private static readonly string[] Regions = ["eu-west-1", "eu-central-1", "us-east-1"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];

    private readonly int _maxSpans;
    private readonly HmacSigner _signer;

    public SpanGenerator(int maxSpansPerBody, HmacSigner signer)
    {
        _maxSpans = Math.Clamp(maxSpansPerBody, 5, MaxSpansPerBody);
        _signer = signer;
    }

    /// <summary>
    /// A body of whole traces starting within [<paramref name="from"/>, <paramref name="from"/> + <paramref name="slice"/>),
    /// holding at most the configured number of spans. Returns it with the number of traces and one trace id of it.
    /// </summary>
    public (SignedBody Body, int Traces, string SampleTraceId) Create(int seed, DateTime from, TimeSpan slice)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(256 * 1024);
        int spans = 0, traces = 0;
        string sample = "";
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("spans");
            while (true)
            {
                int size = TraceSize(random);
                if (spans + size > _maxSpans)
                {
                    if (traces > 0)
                    {
                        break;
                    }

                    size = _maxSpans;
                }

                string traceId = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
                var start = from + TimeSpan.FromTicks((long)(random.NextDouble() * slice.Ticks));
                spans += WriteTrace(writer, random, traceId, start, size);
                traces++;
                sample = traceId;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        byte[] content = buffer.WrittenSpan.ToArray();
        return (new SignedBody(content, _signer.Sign(content), spans, content.Length, from), traces, sample);
    }

    // Most traces are small; one in ten fans out widely.
    private static int TraceSize(Random random) => random.Next(10) == 0 ? random.Next(60, 201) : random.Next(5, 40);

    private static int WriteTrace(Utf8JsonWriter writer, Random random, string traceId, DateTime start, int size)
    {
        // Breadth-first over the call graph until the trace has its size; durations shrink with depth.
        var queue = new Queue<(string SpanId, int Service, DateTime Start, double Ms, int Depth)>();
        string rootId = SpanId(random);
        double rootMs = 20 + (random.NextDouble() * 400);
        int written = 0;
        bool rootFailed = false;
        var pending = new List<(string Id, string? Parent, int Service, string Name, string Kind, DateTime Start, double Ms, bool Error, string Attributes)>();
        pending.Add((rootId, null, 0, $"{Methods[random.Next(Methods.Length)]} /api/v1/{Services[1 + random.Next(8)]}", "server", start, rootMs, false, ""));
        queue.Enqueue((rootId, 0, start, rootMs, 0));
        written++;
        while (written < size && queue.Count > 0)
        {
            var (parentId, service, parentStart, parentMs, depth) = queue.Dequeue();
            var callees = Calls[service];
            int children = callees.Length == 0 || depth > 6 ? 1 : 1 + random.Next(Math.Min(callees.Length, 4));
            double offset = parentMs * 0.05;
            for (int c = 0; c < children && written < size; c++)
            {
                double ms = Math.Max(0.05, parentMs * (0.2 + (random.NextDouble() * 0.5)));
                var childStart = parentStart.AddTicks((long)(Math.Min(offset, parentMs * 0.9) * TimeSpan.TicksPerMillisecond));
                offset += ms * 0.3;
                if (callees.Length == 0 || depth > 6 || size - written < 2)
                {
                    // A leaf: a database or cache call of this service.
                    bool failed = random.Next(100) < 3;
                    rootFailed |= failed;
                    string db = Databases[random.Next(Databases.Length)];
                    pending.Add((SpanId(random), parentId, service, db == "redis" ? "GET session" : "SELECT orders", "client", childStart, ms, failed, db));
                    written++;
                    continue;
                }

                int callee = callees[random.Next(callees.Length)];
                string clientId = SpanId(random), serverId = SpanId(random);
                string route = $"/{Services[callee]}/v1/{(random.Next(2) == 0 ? "items" : "items/{id}")}";
                pending.Add((clientId, parentId, service, $"HTTP {Methods[random.Next(Methods.Length)]}", "client", childStart, ms, false, ""));
                pending.Add((serverId, clientId, callee, route, "server", childStart.AddTicks(TimeSpan.TicksPerMillisecond / 10), ms * 0.95, false, ""));
                written += 2;
                queue.Enqueue((serverId, callee, childStart, ms * 0.9, depth + 1));
            }
        }

        foreach (var span in pending)
        {
            bool error = span.Error || (rootFailed && span.Parent is null);
            writer.WriteStartObject();
            writer.WriteString("trace_id", traceId);
            writer.WriteString("span_id", span.Id);
            if (span.Parent is not null)
            {
                writer.WriteString("parent_span_id", span.Parent);
            }

            writer.WriteString("service", Services[span.Service]);
            writer.WriteString("name", span.Name);
            writer.WriteString("kind", span.Kind);
            writer.WriteString("start", span.Start.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
            writer.WriteNumber("duration_ms", Math.Round(span.Ms, 3));
            writer.WriteString("status", error ? "error" : "ok");
            if (error)
            {
                writer.WriteString("status_message", span.Attributes.Length > 0 ? "connection reset by peer" : "downstream call failed");
            }

            writer.WriteStartObject("attributes");
            writer.WriteString("region", Regions[random.Next(Regions.Length)]);
            if (span.Attributes.Length > 0)
            {
                writer.WriteString("db.system", span.Attributes);
            }
            else
            {
                writer.WriteNumber("http.status_code", error ? 500 : 200);
                writer.WriteString("user_id", string.Create(CultureInfo.InvariantCulture, $"u{random.Next(5000)}"));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return pending.Count;
    }

    private static string SpanId(Random random) => Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()));
}

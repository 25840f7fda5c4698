using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Signed <c>POST /v1/logs</c> bodies for a historical data set: every event gets a caller-chosen timestamp, so a
/// generator can lay millions of events over the past day in time order (as an agent flushing in real time
/// would have). About two thirds of the lines are JSON access logs (<c>{"msg","method","path","status",
/// "duration","bytes","user_id","request_id"}</c>, for <c>| json | status &gt;= 500</c>); the rest are the text
/// lines of a typical service (jobs, retries, cache misses, exceptions with timeouts). Services follow a 1/rank
/// popularity, levels follow the status or the kind of line, and attributes carry region, version, env, pod and
/// the HTTP route. Deterministic for a seed.
/// </summary>
internal sealed class DatasetBodyGenerator
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Services =
    [
        "api", "checkout", "payments", "auth", "search", "cart", "inventory", "shipping", "billing", "notifications",
        "gateway", "users", "orders", "catalog", "recommendations", "email", "frontend", "reports", "scheduler", "media",
    ];

    private static readonly (string Method, string Route)[] Routes =
    [
        ("GET", "/api/v1/orders/{id}"), ("POST", "/api/v1/orders"), ("GET", "/api/v1/products"), ("GET", "/api/v1/products/{id}"),
        ("POST", "/api/v1/checkout"), ("POST", "/api/v1/payments"), ("GET", "/api/v1/users/{id}"), ("PUT", "/api/v1/cart/{id}"),
        ("DELETE", "/api/v1/sessions/{id}"), ("GET", "/api/v1/search"), ("GET", "/healthz"),
    ];

    private static readonly int[] Statuses = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 404, 409, 429, 500, 502, 503, 504];
    private static readonly string[] Regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1"];
    private static readonly string[] Jobs = ["reindex-catalog", "send-digests", "rollup-usage", "expire-sessions", "sync-inventory"];
    private static readonly string[] Exceptions =
    [
        "System.TimeoutException: The operation has timed out",
        "System.InvalidOperationException: Sequence contains no elements",
        "System.Net.Http.HttpRequestException: Connection refused (inventory:8080)",
        "Npgsql.PostgresException: 40001: could not serialize access due to concurrent update",
    ];

    private readonly int _batch;
    private readonly double[] _serviceWeights;
    private readonly string[][] _hosts;
    private readonly string[] _versions;

    public DatasetBodyGenerator(int batch)
    {
        _batch = batch;
        _serviceWeights = new double[Services.Length];
        _hosts = new string[Services.Length][];
        _versions = new string[Services.Length];
        var cumulative = 0.0;
        for (var i = 0; i < Services.Length; i++)
        {
            cumulative += 1.0 / (i + 1);
            _serviceWeights[i] = cumulative;
            _hosts[i] = Enumerable.Range(0, 2 + (i % 5)).Select(h => $"{Services[i]}-{(((i + 1) * 7919) + (h * 104729)) & 0xfffff:x5}").ToArray();
            _versions[i] = $"1.{i % 7}.{(i * 3) % 11}";
        }
    }

    /// <summary>
    /// A body of <c>batch</c> events whose timestamps run evenly (with jitter) from <paramref name="first"/> over
    /// <paramref name="span"/>, oldest first, signed by <paramref name="signer"/>.
    /// </summary>
    public SignedBody Create(int seed, DateTime first, TimeSpan span, HmacSigner signer)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>(_batch * 600);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("logs");
            for (var i = 0; i < _batch; i++)
            {
                var offset = span.Ticks * ((i + random.NextDouble()) / _batch);
                WriteEvent(json, random, first.AddTicks((long)offset));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var content = buffer.WrittenSpan.ToArray();
        return new SignedBody(content, signer.Sign(content), _batch, content.Length, first);
    }

    private void WriteEvent(Utf8JsonWriter json, Random random, DateTime timestamp)
    {
        var service = PickService(random);
        json.WriteStartObject();
        json.WriteString("timestamp", timestamp);
        json.WriteString("service", Services[service]);
        var roll = random.Next(100);
        string level;
        string? route = null, method = null;
        if (roll < 65)
        {
            (method, route) = Routes[random.Next(Routes.Length)];
            var status = Statuses[random.Next(Statuses.Length)];
            level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
            json.WriteString("level", level);
            json.WriteString("message", AccessLog(random, method, route, status));
        }
        else
        {
            (level, var message) = TextLine(random);
            json.WriteString("level", level);
            json.WriteString("message", message);
        }

        json.WriteString("host", _hosts[service][random.Next(_hosts[service].Length)]);
        Span<byte> traceBytes = stackalloc byte[16];
        random.NextBytes(traceBytes);
        json.WriteString("trace_id", Convert.ToHexStringLower(traceBytes));
        json.WriteStartObject("attributes");
        json.WriteString("region", Regions[service % Regions.Length]);
        json.WriteString("version", _versions[service]);
        json.WriteString("env", "prod");
        json.WriteString("pod", $"{Services[service]}-{random.Next(6):x}{service:x2}");
        if (route is not null)
        {
            json.WriteString("http.method", method);
            json.WriteString("http.route", route);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string AccessLog(Random random, string method, string route, int status)
    {
        var path = route.Replace("{id}", random.Next(1, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var duration = status == 504 ? 30000.0 : Math.Round(Math.Exp(random.NextDouble() * 6.5), 1);
        var text = status switch
        {
            >= 500 when status == 504 => "upstream timeout",
            >= 500 => "internal error",
            >= 400 => "client error",
            _ => "request completed",
        };
        return $"{{\"msg\":\"{text}\",\"method\":\"{method}\",\"path\":\"{path}\",\"status\":{status},\"duration\":\"{duration:0.0}ms\"," +
            $"\"bytes\":{random.Next(64, 250_000)},\"user_id\":\"{random.Next(1, 250_000)}\",\"request_id\":\"{random.NextInt64():x16}\"}}";
    }

    private (string Level, string Message) TextLine(Random random)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 25 => ("debug", $"cache miss key=session:{random.Next(0x1000000):x6} ttl={random.Next(30, 900)}s"),
            < 55 => ("info", $"job {Jobs[random.Next(Jobs.Length)]} completed in {random.Next(20, 5000)}ms items={random.Next(1, 20000)}"),
            < 75 => ("warn", $"retrying call to {Services[random.Next(Services.Length)]} attempt={random.Next(2, 5)} backoff={random.Next(1, 8) * 100}ms"),
            < 85 => ("warn", $"disk usage at {random.Next(80, 96)}% on /var/lib/data"),
            < 95 => ("error", $"unhandled exception in request {random.NextInt64():x16}: {Exceptions[random.Next(Exceptions.Length)]}"),
            _ => ("error", $"timeout waiting for lock orders:{random.Next(1, 100000)} after {random.Next(1, 30)}s"),
        };
    }

    private int PickService(Random random)
    {
        var index = Array.BinarySearch(_serviceWeights, random.NextDouble() * _serviceWeights[^1]);
        return Math.Min(index < 0 ? ~index : index, Services.Length - 1);
    }
}

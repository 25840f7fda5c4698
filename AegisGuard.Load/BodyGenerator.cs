using System.Buffers;
using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// Builds realistic, varied and signed <c>POST /v1/logs</c> bodies before the clock starts, so
/// senders spend their CPU on sending. Services follow a skewed (1/rank) popularity, levels lean
/// towards info, messages carry HTTP paths, status codes and durations, some carry e-mail addresses
/// (for the PII scrubber), and every event has a trace id and typed attributes. Bodies are
/// deterministic for a seed apart from their timestamps.
/// </summary>
internal sealed class BodyGenerator
{
    // Events of one body reach this far back from "now", like one flush of an agent.
    private static readonly TimeSpan BodySpan = TimeSpan.FromSeconds(1);

    // Relaxed escaping keeps messages as an agent would send them ('+', '<', quotes in user agents).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] WellKnownServices =
    [
        "api", "checkout", "payments", "auth", "search", "cart", "inventory", "shipping", "billing", "notifications",
        "gateway", "users", "orders", "catalog", "recommendations", "email", "frontend", "reports", "scheduler", "media",
    ];

    private static readonly string[] Levels = ["debug", "info", "warn", "error"];

    // Cumulative percentages for debug, info, warn, error: 8 / 72 / 12 / 8.
    private static readonly int[] LevelThresholds = [8, 80, 92, 100];

    private static readonly (string Method, string Route)[] Routes =
    [
        ("GET", "/api/v1/orders/{id}"), ("POST", "/api/v1/orders"), ("GET", "/api/v1/products"),
        ("GET", "/api/v1/products/{id}"), ("POST", "/api/v1/checkout"), ("POST", "/api/v1/payments"),
        ("GET", "/api/v1/users/{id}"), ("PUT", "/api/v1/cart/{id}"), ("DELETE", "/api/v1/sessions/{id}"),
        ("GET", "/api/v1/search"), ("GET", "/healthz"),
    ];

    private static readonly int[] SuccessStatuses = [200, 200, 200, 200, 200, 201, 204, 304];
    private static readonly int[] ClientErrorStatuses = [400, 401, 403, 404, 404, 409, 422, 429];
    private static readonly int[] ServerErrorStatuses = [500, 500, 502, 503, 504];
    private static readonly string[] FirstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "oscar", "peggy"];
    private static readonly string[] LastNames = ["smith", "jones", "garcia", "miller", "davis", "martin", "lee", "walker"];
    private static readonly string[] MailDomains = ["example.com", "example.org", "mail.example.net", "corp.example.io"];
    private static readonly string[] Regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-1"];
    private static readonly string[] Jobs = ["reindex-catalog", "send-digests", "rollup-usage", "expire-sessions", "sync-inventory"];
    private static readonly string[] SearchTerms = ["shoes", "red+dress", "usb-c", "coffee", "laptop+stand"];
    private static readonly string[] Exceptions =
    [
        "System.TimeoutException: The operation has timed out",
        "System.InvalidOperationException: Sequence contains no elements",
        "System.Net.Http.HttpRequestException: Connection refused (inventory:8080)",
        "Npgsql.PostgresException: 40001: could not serialize access due to concurrent update",
    ];

    private static readonly JsonEncodedText LogsProperty = JsonEncodedText.Encode("logs");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText ServiceProperty = JsonEncodedText.Encode("service");
    private static readonly JsonEncodedText LevelProperty = JsonEncodedText.Encode("level");
    private static readonly JsonEncodedText MessageProperty = JsonEncodedText.Encode("message");
    private static readonly JsonEncodedText HostProperty = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText TraceIdProperty = JsonEncodedText.Encode("trace_id");
    private static readonly JsonEncodedText AttributesProperty = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText HttpMethodProperty = JsonEncodedText.Encode("http.method");
    private static readonly JsonEncodedText HttpRouteProperty = JsonEncodedText.Encode("http.route");
    private static readonly JsonEncodedText HttpStatusProperty = JsonEncodedText.Encode("http.status");
    private static readonly JsonEncodedText DurationProperty = JsonEncodedText.Encode("duration_ms");
    private static readonly JsonEncodedText UserIdProperty = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText RegionProperty = JsonEncodedText.Encode("region");
    private static readonly JsonEncodedText VersionProperty = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText EnvProperty = JsonEncodedText.Encode("env");

    private readonly int _batch;
    private readonly int _messageBytes;
    private readonly bool _gzip;
    private readonly HmacSigner _signer;
    private readonly string[] _services;
    private readonly double[] _serviceWeights;
    private readonly string[][] _hosts;
    private readonly string[] _versions;

    public BodyGenerator(int batch, int services, int messageBytes, bool gzip, HmacSigner signer)
    {
        _batch = batch;
        _messageBytes = messageBytes;
        _gzip = gzip;
        _signer = signer;
        _services = new string[services];
        _serviceWeights = new double[services];
        _hosts = new string[services][];
        _versions = new string[services];
        var cumulative = 0.0;
        for (var i = 0; i < services; i++)
        {
            _services[i] = i < WellKnownServices.Length ? WellKnownServices[i] : $"svc-{i + 1:D3}";
            cumulative += 1.0 / (i + 1);
            _serviceWeights[i] = cumulative;
            _hosts[i] = new string[2 + (i % 5)];
            for (var h = 0; h < _hosts[i].Length; h++)
            {
                _hosts[i][h] = $"{_services[i]}-{(((i + 1) * 7919) + (h * 104729)) & 0xfffff:x5}";
            }

            _versions[i] = $"1.{i % 7}.{(i * 3) % 11}";
        }
    }

    /// <summary>Size of one body's JSON, estimated before building it (for memory caps).</summary>
    public long EstimatedJsonBytes => (long)_batch * (_messageBytes + 330);

    /// <summary>Builds <paramref name="count"/> bodies in parallel; body i uses seed <paramref name="seed"/> + i.</summary>
    public SignedBody[] CreatePool(int count, int seed, DateTime now, CancellationToken cancellationToken)
    {
        var pool = new SignedBody[count];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i => pool[i] = Create(unchecked(seed + i), now, marker: null));
        return pool;
    }

    /// <summary>Builds one signed body whose events end at <paramref name="now"/>; a marker, when given, ends every message.</summary>
    public SignedBody Create(int seed, DateTime now, string? marker)
    {
        var random = new Random(seed);
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(EstimatedJsonBytes + 4096, int.MaxValue / 2));
        var message = new StringBuilder(_messageBytes * 2);
        var scratch = new char[(_messageBytes * 2) + 256];
        var oldest = now - BodySpan + (BodySpan / _batch);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray(LogsProperty);
            for (var i = 0; i < _batch; i++)
            {
                // Ascending timestamps over the last second, as an agent would flush them.
                WriteEvent(json, random, oldest + (BodySpan * ((double)i / _batch)), message, ref scratch, marker);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        var jsonBytes = buffer.WrittenSpan;
        byte[] content = _gzip ? Compress(jsonBytes) : jsonBytes.ToArray();
        return new SignedBody(content, _signer.Sign(content), _batch, jsonBytes.Length, oldest);
    }

    private void WriteEvent(Utf8JsonWriter json, Random random, DateTime timestamp, StringBuilder message, ref char[] scratch, string? marker)
    {
        var service = PickService(random);
        var level = PickLevel(random);
        var call = ComposeMessage(message, random, level, service);
        Pad(message, random);
        if (marker is not null)
        {
            message.Append(' ').Append(marker);
        }

        if (scratch.Length < message.Length)
        {
            scratch = new char[message.Length * 2];
        }

        message.CopyTo(0, scratch, 0, message.Length);

        json.WriteStartObject();
        json.WriteString(TimestampProperty, timestamp);
        json.WriteString(ServiceProperty, _services[service]);
        json.WriteString(LevelProperty, Levels[level]);
        json.WriteString(MessageProperty, scratch.AsSpan(0, message.Length));
        json.WriteString(HostProperty, _hosts[service][random.Next(_hosts[service].Length)]);

        Span<byte> traceBytes = stackalloc byte[16];
        Span<char> traceHex = stackalloc char[32];
        random.NextBytes(traceBytes);
        Convert.TryToHexStringLower(traceBytes, traceHex, out _);
        json.WriteString(TraceIdProperty, traceHex);

        json.WriteStartObject(AttributesProperty);
        if (call is { } http)
        {
            json.WriteString(HttpMethodProperty, http.Method);
            json.WriteString(HttpRouteProperty, http.Route);
            json.WriteNumber(HttpStatusProperty, http.Status);
            json.WriteNumber(DurationProperty, http.DurationMs);
        }

        if (random.Next(100) < 60)
        {
            Span<char> userId = stackalloc char[12];
            random.Next(1, 250_000).TryFormat(userId, out var written);
            json.WriteString(UserIdProperty, userId[..written]);
        }

        json.WriteString(RegionProperty, Regions[service % Regions.Length]);
        json.WriteString(VersionProperty, _versions[service]);
        json.WriteString(EnvProperty, "prod");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes a message typical of the level; returns the HTTP call it describes, if any.</summary>
    private HttpCall? ComposeMessage(StringBuilder message, Random random, int level, int service)
    {
        message.Clear();
        var roll = random.Next(100);
        switch (level)
        {
            case 0: // debug
                if (roll < 50)
                {
                    message.Append($"cache miss key=session:{random.Next(0x1000000):x6} ttl={random.Next(30, 900)}s");
                }
                else
                {
                    message.Append($"query orders.by_customer took {random.Next(1, 40)}ms rows={random.Next(0, 500)}");
                }

                return null;

            case 1: // info
                if (roll < 80)
                {
                    return AppendAccess(message, random, Pick(random, SuccessStatuses), FastDuration(random), suffix: null);
                }

                if (roll < 88)
                {
                    message.Append("user ");
                    AppendEmail(message, random);
                    message.Append($" signed in from 10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}");
                    return null;
                }

                message.Append($"job {Pick(random, Jobs)} completed in {random.Next(20, 5000)}ms items={random.Next(1, 20000)}");
                return null;

            case 2: // warn
                if (roll < 50)
                {
                    return roll < 25
                        ? AppendAccess(message, random, Pick(random, ClientErrorStatuses), FastDuration(random), suffix: null)
                        : AppendAccess(message, random, 200, Math.Round(800 + (random.NextDouble() * 4000), 1), suffix: " slow request");
                }

                if (roll < 80)
                {
                    message.Append($"retrying call to {_services[random.Next(_services.Length)]} attempt={random.Next(2, 5)} backoff={random.Next(1, 8) * 100}ms");
                    return null;
                }

                message.Append($"disk usage at {random.Next(80, 96)}% on /var/lib/{_services[service]}");
                return null;

            default: // error
                if (roll < 50)
                {
                    var timedOut = random.Next(2) == 0;
                    return AppendAccess(
                        message,
                        random,
                        timedOut ? 504 : Pick(random, ServerErrorStatuses),
                        timedOut ? 30000.0 : FastDuration(random),
                        suffix: timedOut ? $" upstream timeout calling {_services[random.Next(_services.Length)]}" : " internal error");
                }

                if (roll < 75)
                {
                    message.Append($"unhandled exception in request {random.NextInt64():x16}: {Pick(random, Exceptions)}");
                    return null;
                }

                message.Append("failed to deliver receipt to ");
                AppendEmail(message, random);
                message.Append(": 550 mailbox unavailable");
                return null;
        }
    }

    private static HttpCall AppendAccess(StringBuilder message, Random random, int status, double durationMs, string? suffix)
    {
        var (method, route) = Pick(random, Routes);
        var id = random.Next(1, 1_000_000);
        var braces = route.IndexOf("{id}", StringComparison.Ordinal);
        message.Append(method).Append(' ');
        if (braces >= 0)
        {
            message.Append(route.AsSpan(0, braces)).Append(id).Append(route.AsSpan(braces + 4));
        }
        else
        {
            message.Append(route);
            if (route.EndsWith("search", StringComparison.Ordinal))
            {
                message.Append("?q=").Append(Pick(random, SearchTerms));
            }
        }

        message.Append($" {status} {durationMs:0.0}ms");
        if (suffix is not null)
        {
            message.Append(suffix);
        }

        return new HttpCall(method, route, status, durationMs);
    }

    private static void AppendEmail(StringBuilder message, Random random) =>
        message.Append($"{Pick(random, FirstNames)}.{Pick(random, LastNames)}{random.Next(1, 100)}@{Pick(random, MailDomains)}");

    /// <summary>Pads with realistic key=value noise so messages average the requested size.</summary>
    private void Pad(StringBuilder message, Random random)
    {
        var target = (int)(_messageBytes * (0.75 + (random.NextDouble() * 0.5)));
        var templateLength = message.Length;
        while (message.Length < target)
        {
            switch (random.Next(7))
            {
                case 0: message.Append($" request_id={random.NextInt64():x16}"); break;
                case 1: message.Append($" tenant=acme-{random.Next(1, 500)}"); break;
                case 2: message.Append($" client_ip=172.{random.Next(16, 32)}.{random.Next(256)}.{random.Next(1, 255)}"); break;
                case 3: message.Append($" bytes={random.Next(64, 2_000_000)}"); break;
                case 4: message.Append($" thread={random.Next(1, 64)}"); break;
                case 5: message.Append(" ua=\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\""); break;
                default: message.Append($" span_id={random.NextInt64():x16}"); break;
            }
        }

        // Cut the filler (never the template) back to the target so the average stays on it.
        if (templateLength < target && message.Length > target)
        {
            message.Length = target;
        }
    }

    private int PickService(Random random)
    {
        var index = Array.BinarySearch(_serviceWeights, random.NextDouble() * _serviceWeights[^1]);
        return Math.Min(index < 0 ? ~index : index, _services.Length - 1);
    }

    private static int PickLevel(Random random)
    {
        var roll = random.Next(100);
        var level = 0;
        while (roll >= LevelThresholds[level])
        {
            level++;
        }

        return level;
    }

    private static double FastDuration(Random random) => Math.Round(Math.Exp(random.NextDouble() * 4.5), 1);

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static byte[] Compress(ReadOnlySpan<byte> json)
    {
        using var output = new MemoryStream((json.Length / 4) + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(json);
        }

        return output.ToArray();
    }

    private readonly record struct HttpCall(string Method, string Route, int Status, double DurationMs);
}

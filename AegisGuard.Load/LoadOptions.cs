using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace AegisGuard.Load;

/// <summary>
/// The typed command line of the load generator. Parsed by hand: a flat list of <c>--name value</c>
/// options does not justify a command-line package, and every error message can name the option.
/// </summary>
internal sealed record LoadOptions
{
    /// <summary>The server refuses larger batches.</summary>
    public const int MaxBatch = 1000;

    public required string Scenario { get; init; }

    /// <summary>Base address of the server, always ending in '/' so relative paths keep any path base.</summary>
    public required Uri Url { get; init; }

    public required string KeyId { get; init; }

    public required string Secret { get; init; }

    public int Senders { get; init; } = 64;

    public int Batch { get; init; } = MaxBatch;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public bool Gzip { get; init; }

    public int Services { get; init; } = 20;

    public int MessageBytes { get; init; } = 160;

    public bool EndToEnd { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan EndToEndTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Number of pre-built bodies; null lets the scenario choose from senders and memory.</summary>
    public int? PoolSize { get; init; }

    /// <summary>logs-dataset: log events to load for the key's org.</summary>
    public long Events { get; init; } = 10_000_000;

    /// <summary>logs-dataset: the events are spread over this much of the past; logs-query: the range queried.</summary>
    public TimeSpan Span { get; init; } = TimeSpan.FromHours(24);

    /// <summary>logs-dataset: keys of other orgs that receive noise (JSON array of {"id","secret"}).</summary>
    public IReadOnlyList<(string KeyId, string Secret)> NoiseKeys { get; init; } = [];

    /// <summary>logs-query: how many times each benchmark query runs in the measured phase.</summary>
    public int Iterations { get; init; } = 50;

    /// <summary>logs-query: LogQL-lite queries to run instead of the four benchmark queries (--query, repeatable).</summary>
    public IReadOnlyList<string> Queries { get; init; } = [];

    /// <summary>
    /// Events per second the senders offer together (each sends a batch on a fixed schedule), or null for closed
    /// loop (each sender sends again as soon as its answer arrives).
    /// </summary>
    public long? Rate { get; init; }

    // Option name → is it a flag (no value)?
    private static readonly Dictionary<string, bool> KnownOptions = new(StringComparer.Ordinal)
    {
        ["url"] = false,
        ["key-id"] = false,
        ["secret"] = false,
        ["key-json"] = false,
        ["senders"] = false,
        ["batch"] = false,
        ["duration"] = false,
        ["warmup"] = false,
        ["gzip"] = true,
        ["services"] = false,
        ["message-bytes"] = false,
        ["end-to-end"] = true,
        ["timeout"] = false,
        ["e2e-timeout"] = false,
        ["pool"] = false,
        ["events"] = false,
        ["span"] = false,
        ["noise-keys"] = false,
        ["iterations"] = false,
        ["query"] = false,
        ["rate"] = false,
    };

    public static string Usage { get; } = BuildUsage();

    public static bool IsHelpRequest(IReadOnlyList<string> args) =>
        args.Count > 0 && (args[0] is "help" or "-h" or "--help" || (args.Count == 2 && args[1] is "-h" or "--help"));

    public static bool TryParse(
        IReadOnlyList<string> args,
        [NotNullWhen(true)] out LoadOptions? options,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            options = Parse(args);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            options = null;
            error = e.Message;
            return false;
        }
    }

    private static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new FormatException($"the first argument must be a scenario ({string.Join(", ", ScenarioCatalog.Names)})");
        }

        var scenario = args[0];
        if (!ScenarioCatalog.IsKnown(scenario))
        {
            throw new FormatException($"unknown scenario '{scenario}' (known: {string.Join(", ", ScenarioCatalog.Names)})");
        }

        var values = ReadValues(args);
        var url = ReadUrl(values);
        var (keyId, secret) = ReadKey(values);
        var batch = ReadInt(values, "batch", MaxBatch, 1, MaxBatch);
        if (values.ContainsKey("end-to-end") && secret.Any(c => char.IsControl(c) || c > 0x7e))
        {
            // HMAC takes any UTF-8 secret, but the read API's Bearer header can only carry ASCII.
            throw new FormatException("--end-to-end sends the secret in an Authorization header, so it must be printable ASCII");
        }

        return new LoadOptions
        {
            Scenario = scenario,
            Url = url,
            KeyId = keyId,
            Secret = secret,
            Senders = ReadInt(values, "senders", 64, 1, 10_000),
            Batch = batch,
            Duration = ReadDuration(values, "duration", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)),
            Warmup = ReadDuration(values, "warmup", TimeSpan.FromSeconds(5), TimeSpan.Zero),
            Gzip = values.ContainsKey("gzip"),
            Services = ReadInt(values, "services", 20, 1, 1_000),
            MessageBytes = ReadInt(values, "message-bytes", 160, 16, 16 * 1024),
            EndToEnd = values.ContainsKey("end-to-end"),
            RequestTimeout = ReadDuration(values, "timeout", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100)),
            EndToEndTimeout = ReadDuration(values, "e2e-timeout", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1)),
            PoolSize = values.ContainsKey("pool") ? ReadInt(values, "pool", 0, 1, 100_000) : null,
            Events = ReadInt(values, "events", 10_000_000, 1, int.MaxValue),
            Span = ReadDuration(values, "span", TimeSpan.FromHours(24), TimeSpan.FromMinutes(1)),
            NoiseKeys = values.TryGetValue("noise-keys", out var noise) ? ReadKeyArray(noise) : [],
            Iterations = ReadInt(values, "iterations", 50, 1, 100_000),
            Queries = values.TryGetValue("query", out var queries) ? queries.Split('\0') : [],
            Rate = values.ContainsKey("rate") ? ReadInt(values, "rate", 0, 1, 100_000_000) : null,
        };
    }

    private static Dictionary<string, string> ReadValues(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new FormatException($"unexpected argument '{arg}' (options look like --name value)");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            string? value = equals > 0 ? arg[(equals + 1)..] : null;
            if (!KnownOptions.TryGetValue(name, out var isFlag))
            {
                throw new FormatException($"unknown option --{name}");
            }

            if (isFlag)
            {
                if (value is not null)
                {
                    throw new FormatException($"--{name} is a flag and takes no value");
                }

                value = "true";
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new FormatException($"--{name} needs a value");
                }

                value = args[++i];
            }

            if (name == "query" && values.TryGetValue(name, out var earlier))
            {
                // The one repeatable option; NUL cannot occur in a command-line argument, so it separates them.
                values[name] = earlier + '\0' + value;
            }
            else if (!values.TryAdd(name, value))
            {
                throw new FormatException($"--{name} is given more than once");
            }
        }

        return values;
    }

    private static Uri ReadUrl(Dictionary<string, string> values)
    {
        if (!values.TryGetValue("url", out var text))
        {
            throw new FormatException("--url is required (e.g. --url http://127.0.0.1:5080)");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            throw new FormatException($"--url '{text}' is not an http(s) base address like http://127.0.0.1:5080");
        }

        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    private static (string KeyId, string Secret) ReadKey(Dictionary<string, string> values)
    {
        string? keyId;
        string? secret;
        if (values.TryGetValue("key-json", out var json))
        {
            if (values.ContainsKey("key-id") || values.ContainsKey("secret"))
            {
                throw new FormatException("give either --key-json or --key-id with --secret, not both");
            }

            (keyId, secret) = ReadKeyJson(json);
        }
        else
        {
            values.TryGetValue("key-id", out keyId);
            values.TryGetValue("secret", out secret);
            if (keyId is null || secret is null)
            {
                throw new FormatException("an API key is required: --key-id <id> --secret <secret>, or --key-json '{\"id\":\"obs_…\",\"secret\":\"…\"}'");
            }
        }

        if (keyId.Length == 0 || keyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > 0x7e))
        {
            throw new FormatException("the key id must be non-empty printable ASCII without spaces");
        }

        if (secret.Length == 0)
        {
            throw new FormatException("the key secret must not be empty");
        }

        return (keyId, secret);
    }

    private static (string KeyId, string Secret) ReadKeyJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("secret", out var secret) && secret.ValueKind == JsonValueKind.String)
            {
                return (id.GetString()!, secret.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Reported below with the expected shape; the parser's message could echo the secret.
        }

        throw new FormatException("--key-json must be the JSON printed by 'AegisGuard keys create --json': {\"id\":\"obs_…\",\"secret\":\"…\"}");
    }

    private static List<(string KeyId, string Secret)> ReadKeyArray(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                var keys = new List<(string, string)>();
                foreach (var key in document.RootElement.EnumerateArray())
                {
                    if (key.ValueKind != JsonValueKind.Object
                        || !key.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                        || !key.TryGetProperty("secret", out var secret) || secret.ValueKind != JsonValueKind.String)
                    {
                        throw new FormatException("--noise-keys must be a JSON array of {\"id\":\"obs_…\",\"secret\":\"…\"} objects");
                    }

                    keys.Add((id.GetString()!, secret.GetString()!));
                }

                return keys;
            }
        }
        catch (JsonException)
        {
            // Reported below; the parser's message could echo a secret.
        }

        throw new FormatException("--noise-keys must be a JSON array of {\"id\":\"obs_…\",\"secret\":\"…\"} objects");
    }

    private static int ReadInt(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"--{name} '{text}' must be a whole number from {min} to {max}");
        }

        return value;
    }

    private static TimeSpan ReadDuration(Dictionary<string, string> values, string name, TimeSpan fallback, TimeSpan min)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!TryParseDuration(text, out var value) || value < min || value > TimeSpan.FromDays(1))
        {
            throw new FormatException($"--{name} '{text}' must be a duration of at least {FormatDuration(min)} such as 500ms, 30s, 2m or 1h (a bare number means seconds)");
        }

        return value;
    }

    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var digits = text.AsSpan().TrimEnd("smhMSH");
        var unit = text[digits.Length..];
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        double? milliseconds = unit.ToLowerInvariant() switch
        {
            "ms" => amount,
            "" or "s" => amount * 1_000,
            "m" => amount * 60_000,
            "h" => amount * 3_600_000,
            _ => null,
        };
        if (milliseconds is null)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(milliseconds.Value);
        return true;
    }

    public static string FormatDuration(TimeSpan value) => value switch
    {
        { TotalMilliseconds: < 1_000 } => $"{value.TotalMilliseconds:0.#}ms",
        { TotalSeconds: < 120 } => $"{value.TotalSeconds:0.###}s",
        _ => $"{value.TotalMinutes:0.##}m",
    };

    private static string BuildUsage()
    {
        var scenarios = string.Join(Environment.NewLine, ScenarioCatalog.Describe().Select(s => $"  {s.Name,-14}{s.Description}"));
        return $"""
            AegisGuard.Load — load generator and benchmark harness for AegisGuard.

            Usage:
              dotnet run -c Release --project AegisGuard.Load -- <scenario> --url <base> (--key-id <id> --secret <s> | --key-json '<json>') [options]

            Scenarios:
            {scenarios}

            Options:
              --url <base>           server base address, e.g. http://127.0.0.1:5080 (required)
              --key-id <id>          API key id sent as x-org-key (obs_…)
              --secret <secret>      API key secret: HMAC key for x-signature, and the Bearer secret for reads
              --key-json '<json>'    instead of the two above: the output of 'AegisGuard keys create --json'
              --senders <n>          concurrent senders, each with one request in flight (default 64)
              --batch <n>            events per request, 1..{MaxBatch} (default {MaxBatch})
              --duration <t>         measured steady phase (default 30s); units ms, s, m, h
              --warmup <t>           warm-up before measuring, results discarded (default 5s; 0 to skip)
              --gzip                 send Content-Encoding: gzip (the signature covers the gzip bytes)
              --services <n>         distinct service names in the generated logs (default 20)
              --message-bytes <n>    average message length in bytes (default 160)
              --end-to-end           after the steady phase, send one marked batch per sender and poll
                                     GET /api/logs until every marked event is queryable (key needs scope read)
              --timeout <t>          per-request timeout (default 30s)
              --e2e-timeout <t>      give up waiting for marked events after this long (default 60s)
              --pool <n>             pre-built signed bodies to cycle through (default 2 × senders, memory-capped)
              --events <n>           logs-dataset: events to load for the key's org (default 10000000)
              --span <t>             logs-dataset: spread events over this much of the past; logs-query: range queried (default 24h)
              --noise-keys <json>    logs-dataset: JSON array of other orgs' keys (as keys create --json prints) that get 10 % extra noise
              --iterations <n>       logs-query: runs of each benchmark query in the measured phase (default 50)
              --query <logql>        logs-query: run this query instead of the four benchmark queries (repeatable)
              --rate <events/s>      open loop: the senders together send this many events per second on a fixed
                                     schedule, and latency counts from each request's scheduled time (so a
                                     stalled server shows in it); default: closed loop, as fast as answers come

            Side by side with ClickHouse (not a scenario: its own options; scripts/bench-side-by-side.sh runs it):
            {SideBySide.Usage}
            Metrics side by side with Prometheus 2.42 (its own options; scripts/bench-metrics.sh runs it):
            {MetricsSideBySide.Usage}
            Output: a progress line per second, a human report, then one JSON line (last line of stdout).
            Exit codes: 0 success; 1 errors above 1 % of requests, end-to-end failure or server unreachable;
                        2 bad command line; 130 interrupted.

            """;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Tests.Support;
using Xunit.Abstractions;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// The read path against a real child process (DuckDB runs in-process, so a crash there kills the appliance — and would
/// kill a test host too) holding data full of malformed JSON and logfmt, unicode and huge values: the queries of the
/// crash report, then thousands of generated valid queries through /api/logs/query, /facets and /volume. No answer may be
/// a 5xx and the process must live. Fixed seed and count for CI; longer by hand with
/// <c>AEGIS_FUZZ_SEED=&lt;n&gt; AEGIS_FUZZ_QUERIES=&lt;n&gt; dotnet test … --filter LogQueryFuzzTests</c>.
/// </summary>
public sealed class LogQueryFuzzTests(LogQueryFuzzTests.HostileApp app, ITestOutputHelper output) : IClassFixture<LogQueryFuzzTests.HostileApp>
{
    private const int DefaultSeed = 20261201;
    private const int DefaultQueries = 2500;

    /// <summary>One appliance process with the hostile lines of <see cref="HostileLogLines"/>, in several Parquet files.</summary>
    public sealed class HostileApp : IAsyncLifetime, IDisposable
    {
        public const int Lines = 3000;
        private readonly TempDirectory directory = new();

        public AppProcess Process { get; private set; } = null!;

        public SignedClient Client { get; private set; } = null!;

        /// <summary>The lines lie in [From, To).</summary>
        public DateTime From { get; } = DateTime.UtcNow.AddMinutes(-55);

        public DateTime To { get; } = DateTime.UtcNow.AddMinutes(-1);

        public async Task InitializeAsync()
        {
            Process = await AppProcess.StartAsync(directory.Path);
            var (id, secret) = await AppProcess.CreateKeyAsync(directory.Path);
            Client = new SignedClient(new HttpClient { BaseAddress = new Uri(Process.Url), Timeout = TimeSpan.FromMinutes(2) }, id, secret);
            int sent = 0;
            foreach (var batch in HostileLogLines.Batches(seed: 7, Lines, perBatch: 500, From, To))
            {
                using var response = await Client.PostAsync("/v1/logs", Some.LogBatch(batch));
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"ingest answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                sent += batch.Length;

                // One flush per batch: the queries read many files, as they do on a real appliance.
                await Poll.UntilAsync(StoredRowsAsync, rows => rows >= sent, TimeSpan.FromSeconds(60), $"{sent} hostile lines stored");
            }
        }

        public async Task<long> StoredRowsAsync()
        {
            using var response = await Client.GetAsync("/api/logs/stats");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("rows").GetInt64();
        }

        public string Range() => $"from={Iso(From.AddMinutes(-5))}&to={Iso(To.AddMinutes(2))}";

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose()
        {
            Process?.Dispose();
            directory.Dispose();
        }
    }

    [Theory]
    [InlineData("{} | json | user.plan = \"pro\"")]
    [InlineData("sum by (user.plan) (count_over_time({} | json [5m]))")]
    [InlineData("{} | json | user.plan.tier = \"x\" or http.status >= 400")]
    [InlineData("count_over_time({service=\"api\"} | json | user.plan != \"\" [1m])")]
    [InlineData("{} | logfmt | user.plan = \"pro\"")]
    [InlineData("{} | json | status >= 500 and duration > 1s and bytes >= 10KB")]
    public async Task Queries_of_the_crash_report_answer_over_malformed_json_and_the_process_lives(string query)
    {
        // The crash came "after a few 500s with nonsense errors": ask often, on every endpoint.
        for (int round = 0; round < 5; round++)
        {
            foreach (string endpoint in new[] { "/api/logs/query", "/api/logs/facets", "/api/logs/volume" })
            {
                string path = $"{endpoint}?query={Uri.EscapeDataString(query)}&{app.Range()}&limit=1000";
                var (status, body) = await GetOrExplainAsync(path);
                Assert.True(status == HttpStatusCode.OK, $"{path} answered {(int)status}: {Shorten(body)}");
            }
        }

        Assert.True(await AliveAsync(), "the appliance died:\n" + Tail(app.Process.Output));
    }

    [Fact]
    public async Task Json_field_filters_return_only_lines_whose_message_or_attributes_carry_the_value()
    {
        var (status, body) = await GetOrExplainAsync($"/api/logs/query?query={Uri.EscapeDataString("{} | json | user.plan = \"pro\"")}&{app.Range()}&limit=5000");

        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        var messages = json.RootElement.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, message =>
        {
            // Every line found is a JSON object (white space before it allowed) carrying user.plan "pro" (flat key, or
            // user → plan). As in Loki, fields read before a later syntax error count, so the line need not parse to
            // its end: the object and the field are checked as text.
            Assert.StartsWith("{", message.TrimStart(' ', '\t', '\n', '\r'), StringComparison.Ordinal);
            Assert.True(
                message.Contains("\"user.plan\":\"pro\"", StringComparison.Ordinal) || message.Contains("\"plan\":\"pro\"", StringComparison.Ordinal),
                message);
        });
    }

    [Fact]
    public async Task Generated_valid_queries_never_answer_5xx_and_never_kill_the_process()
    {
        int seed = EnvironmentInt("AEGIS_FUZZ_SEED", DefaultSeed);
        int count = EnvironmentInt("AEGIS_FUZZ_QUERIES", DefaultQueries);
        var statuses = new Dictionary<int, int>();
        int invalidDrafts = 0, next = -1;
        var clock = Stopwatch.StartNew();
        string? failure = null;

        async Task WorkAsync()
        {
            while (failure is null)
            {
                int index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                var (path, drafts) = Request(seed, index);
                Interlocked.Add(ref invalidDrafts, drafts);
                HttpStatusCode status;
                string body;
                try
                {
                    (status, body) = await GetAsync(path);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failure ??= $"AEGIS_FUZZ_SEED={seed} query #{index}: GET {path} got no answer ({e.Message}); " +
                        $"the appliance is {(await AliveAsync() ? "alive" : "DEAD")}:\n{Tail(app.Process.Output)}";
                    return;
                }

                lock (statuses)
                {
                    statuses[(int)status] = statuses.GetValueOrDefault((int)status) + 1;
                }

                if ((int)status >= 500)
                {
                    failure ??= $"AEGIS_FUZZ_SEED={seed} query #{index}: GET {path} answered {(int)status}: {Shorten(body)}\n{Tail(app.Process.Output)}";
                }
                else if (status == HttpStatusCode.OK && !IsJson(body))
                {
                    failure ??= $"AEGIS_FUZZ_SEED={seed} query #{index}: GET {path} answered 200 with a body that is not JSON: {Shorten(body)}";
                }
            }
        }

        // Three at a time: DuckDB's concurrency is part of what must hold (the machine has two cores).
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(WorkAsync)));
        output.WriteLine($"seed {seed}: {Math.Min(count, next)} queries in {clock.Elapsed.TotalSeconds:0.0} s, statuses " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + $", {invalidDrafts} drafts the parser refused were redrawn");

        Assert.True(failure is null, failure);
        Assert.True(await AliveAsync(), "the appliance died:\n" + Tail(app.Process.Output));
        // A generator whose queries the engine mostly refuses would test nothing.
        Assert.True(statuses.GetValueOrDefault(200) >= count / 2, "fewer than half of the queries were answered 200: " + string.Join(", ", statuses));
    }

    /// <summary>The request of query <paramref name="index"/>: a valid query (redrawn until the parser takes it) on one endpoint.</summary>
    private (string Path, int Redrawn) Request(int seed, int index)
    {
        for (int attempt = 0; ; attempt++)
        {
            var generator = new LogQlQueryGenerator(seed, index + (attempt * 10_000_000));
            string query = generator.Query();
            if (!LogQlParser.TryParse(query, out var expr, out _))
            {
                Assert.True(attempt < 50, $"the generator drew 50 queries the parser refuses in a row (seed {seed}, #{index}), e.g. {query}");
                continue;
            }

            string endpoint = generator.Next(0, 4) switch
            {
                0 => "/api/logs/facets",
                1 => "/api/logs/volume",
                _ => "/api/logs/query",
            };
            string range = generator.Next(0, 10) switch
            {
                0 => "from=0&to=" + Iso(app.To),
                1 => generator.Pick(["from=0&to=9223372036", "from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z", "from=9223372035&to=9223372036",
                    "from=-1&to=1", "from=0&to=1", "from=1&to=99999999999999999"]),
                2 => $"from={Unix(app.From.AddMinutes(generator.Next(0, 50)))}&to={Unix(app.From.AddMinutes(generator.Next(51, 60)))}",
                3 => $"from={Iso(app.To.AddSeconds(-generator.Next(1, 30)))}&to={Iso(app.To)}",
                _ => app.Range(),
            };
            string extra = endpoint switch
            {
                "/api/logs/query" when expr is MetricExpr && generator.Next(0, 2) == 0 => "&step=" + generator.Pick(["1", "15s", "1m", "1h", "7m13s", "86400", "31536000", "1y", "366d", "0.5", "99999999999"]),
                "/api/logs/query" => $"&limit={generator.Pick(["1", "10", "100", "5000"])}&direction={generator.Pick(["backward", "forward"])}",
                "/api/logs/volume" when generator.Next(0, 3) == 0 => "&step=" + generator.Pick(["1", "10s", "1m", "1h", "1y", "31536000"]),
                _ => "",
            };
            return ($"{endpoint}?query={Uri.EscapeDataString(query)}&{range}{extra}", attempt);
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await app.Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Like <see cref="GetAsync"/>, failing with the appliance's last output when it does not answer at all.</summary>
    private async Task<(HttpStatusCode Status, string Body)> GetOrExplainAsync(string path)
    {
        try
        {
            return await GetAsync(path);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Assert.Fail($"GET {path} got no answer ({e.Message}); the appliance is {(await AliveAsync() ? "alive" : "DEAD")}:\n{Tail(app.Process.Output)}");
            throw;
        }
    }

    private async Task<bool> AliveAsync()
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await http.GetAsync($"{app.Process.Url}/healthz");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static bool IsJson(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    private static string Iso(DateTime time) => Uri.EscapeDataString(time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    private static string Unix(DateTime time) => ((long)(time - DateTime.UnixEpoch).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}

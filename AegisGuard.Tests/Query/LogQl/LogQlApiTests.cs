using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// GET /api/logs/query, /facets, /volume and /stats over HTTP on twelve known lines of org "lq-a" (one every
/// minute, at :30) and different lines of org "lq-b": exact lines, series, counts, errors and isolation.
/// </summary>
public sealed class LogQlApiTests : IClassFixture<LogQlApiTests.KnownData>
{
    private readonly KnownData data;

    public LogQlApiTests(KnownData data) => this.data = data;

    /// <summary>The lines, sent once for the class.</summary>
    public sealed class KnownData : IAsyncLifetime, IDisposable
    {
        // (service, level, host, region, message). Line i has trace id "t{i}" and time Start + i minutes + 30 s.
        public static readonly (string Service, string Level, string? Host, string Region, string Message)[] Lines =
        [
            ("api", "error", "a1", "eu", "{\"status\":500,\"duration\":\"1.5s\",\"user_id\":\"42\",\"msg\":\"upstream timeout\"}"),
            ("api", "info", "a1", "us", "{\"status\":200,\"duration\":\"250ms\",\"user_id\":\"7\",\"msg\":\"ok\"}"),
            ("web", "info", "w1", "eu", "GET /health 200"),
            ("web", "warn", "w1", "us", "level=warn msg=\"slow request\" duration=2s status=429"),
            ("api", "error", "a2", "eu", "{\"status\":503,\"duration\":0.8,\"user_id\":\"42\",\"msg\":\"Timeout talking to db\"}"),
            ("db", "debug", null, "eu", "query took 12ms"),
            ("api", "info", "a2", "us", "{\"status\":404,\"duration\":\"30ms\",\"user_id\":\"9\",\"msg\":\"not found\"}"),
            ("web", "error", "w1", "eu", "level=error msg=\"boom\" duration=500ms status=500"),
            ("api", "info", "a1", "eu", "{\"status\":201,\"duration\":\"2m\",\"user_id\":\"42\",\"msg\":\"created\"}"),
            ("web", "info", "w2", "us", "GET /health 200"),
            ("db", "error", null, "eu", "deadlock detected TIMEOUT"),
            ("api", "warn", "a1", "us", "{\"status\":499,\"duration\":\"1s\",\"user_id\":\"3\",\"msg\":\"client closed\"}"),
        ];

        public AegisAppFactory Factory { get; } = new();

        public SignedClient A { get; private set; } = null!;

        public SignedClient B { get; private set; } = null!;

        /// <summary>A whole hour two to three hours ago (so steps of 2 and 12 minutes align with it).</summary>
        public DateTime Start { get; } = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, DateTimeKind.Utc).AddHours(-2);

        public async Task InitializeAsync()
        {
            A = new SignedClient(Factory.CreateClient(), Factory.CreateKey("lq-a").Key);
            B = new SignedClient(Factory.CreateClient(), Factory.CreateKey("lq-b").Key);
            var lines = Lines.Select((l, i) => Line(i, l.Service, l.Level, l.Host, l.Region, l.Message)).ToArray();
            var other = Enumerable.Range(0, 3).Select(i => Line(i, "b-only", "error", "b1", "eu", $"org b secret {i} timeout")).ToArray();
            using var a = await A.PostAsync("/v1/logs", Some.LogBatch(lines));
            using var b = await B.PostAsync("/v1/logs", Some.LogBatch(other));
            Assert.Equal(HttpStatusCode.Accepted, a.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, b.StatusCode);
            await Poll.UntilAsync(() => TraceIds(A, "{}"), ids => ids.Count == 12, what: "12 lines of org lq-a");
            await Poll.UntilAsync(() => TraceIds(B, "{}"), ids => ids.Count == 3, what: "3 lines of org lq-b");
        }

        public string Range() => $"from={Iso(Start)}&to={Iso(Start.AddMinutes(12))}";

        public object Line(int i, string service, string level, string? host, string region, string message)
        {
            var line = new Dictionary<string, object?>
            {
                ["timestamp"] = Iso(Start.AddMinutes(i).AddSeconds(30)),
                ["service"] = service,
                ["level"] = level,
                ["message"] = message,
                ["trace_id"] = $"t{i}",
                ["attributes"] = new Dictionary<string, object> { ["region"] = region, ["http.route"] = i % 2 == 0 ? "/even" : "/odd" },
            };
            if (host is not null)
            {
                line["host"] = host;
            }

            return line;
        }

        public async Task<List<string>> TraceIds(SignedClient client, string query, string extra = "")
        {
            using var json = await GetOkAsync(client, $"/api/logs/query?query={Uri.EscapeDataString(query)}&{Range()}&limit=1000{extra}");
            return json.RootElement.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("trace_id").GetString()!).ToList();
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Factory.Dispose();
    }

    [Theory]
    [InlineData("{service=\"api\"}", "t11 t8 t6 t4 t1 t0")]
    [InlineData("{service=~\"api|web\", level!=\"info\"}", "t11 t7 t4 t3 t0")]
    [InlineData("{region=\"eu\"}", "t10 t8 t7 t5 t4 t2 t0")]
    [InlineData("{http.route=\"/even\", service!~\"a.*\"}", "t10 t2")]
    [InlineData("{host=\"\"}", "t10 t5")]
    [InlineData("{level=\"warning\"}", "t11 t3")]
    [InlineData("{service=\"api\"} |= \"timeout\"", "t0")]
    [InlineData("{} |= i\"timeout\"", "t10 t4 t0")]
    [InlineData("{service=\"api\"} |~ `\"status\":5\\d\\d`", "t4 t0")]
    [InlineData("{} != \"health\" !~ \"(?i)timeout\"", "t11 t8 t7 t6 t5 t3 t1")]
    [InlineData("{} | json | status >= 500", "t4 t0")]
    [InlineData("{} | json | duration > 1s", "t8 t0")]
    [InlineData("{} | json | user_id = \"42\"", "t8 t4 t0")]
    [InlineData("{} | json | status >= 500 or user_id = \"7\"", "t4 t1 t0")]
    [InlineData("{} | json | status < 300 and duration <= 250ms", "t1")]
    [InlineData("{} | logfmt | duration >= 1s", "t3")]
    [InlineData("{} | logfmt | msg =~ \"b.*\"", "t7")]
    [InlineData("{service=\"nope\"}", "")]
    public async Task Log_queries_return_exactly_the_matching_lines_newest_first(string query, string expected)
    {
        var ids = await data.TraceIds(data.A, query);

        Assert.Equal(expected, string.Join(' ', ids));
    }

    [Fact]
    public async Task Lines_carry_every_field_and_stats()
    {
        using var json = await GetOkAsync(data.A, $"/api/logs/query?query={Uri.EscapeDataString("{service=\"api\"}")}&{data.Range()}&limit=1");
        var root = json.RootElement;
        var line = Assert.Single(root.GetProperty("logs").EnumerateArray().ToList());

        Assert.Equal(data.Start.AddMinutes(11).AddSeconds(30), line.GetProperty("timestamp").GetDateTime().ToUniversalTime());
        Assert.Equal("api", line.GetProperty("service").GetString());
        Assert.Equal("warn", line.GetProperty("level").GetString());
        Assert.Equal("a1", line.GetProperty("host").GetString());
        Assert.Equal(KnownData.Lines[11].Message, line.GetProperty("message").GetString());
        Assert.Equal("us", line.GetProperty("attributes").GetProperty("region").GetString());
        Assert.Equal(JsonValueKind.String, root.GetProperty("next_cursor").ValueKind);
        Assert.True(root.GetProperty("stats").GetProperty("rows_scanned").GetInt64() >= 12);
        Assert.True(root.GetProperty("stats").GetProperty("elapsed_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task Cursors_page_through_every_line_in_both_directions_and_end_with_null()
    {
        Assert.Equal(["t11 t10 t9 t8 t7", "t6 t5 t4 t3 t2", "t1 t0"], await Pages("backward"));
        Assert.Equal(["t0 t1 t2 t3 t4", "t5 t6 t7 t8 t9", "t10 t11"], await Pages("forward"));

        async Task<List<string>> Pages(string direction)
        {
            var pages = new List<string>();
            string? cursor = null;
            do
            {
                string path = $"/api/logs/query?query=%7B%7D&{data.Range()}&limit=5&direction={direction}" + (cursor is null ? "" : $"&cursor={cursor}");
                using var json = await GetOkAsync(data.A, path);
                pages.Add(string.Join(' ', json.RootElement.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("trace_id").GetString())));
                var next = json.RootElement.GetProperty("next_cursor");
                cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            }
            while (cursor is not null && pages.Count < 10);

            return pages;
        }
    }

    [Fact]
    public async Task Sum_by_service_of_count_over_time_gives_one_point_per_line_minute()
    {
        var series = await Series(data.A, "sum by (service) (count_over_time({}[1m]))", step: "60");

        Assert.Equal(["service=api", "service=db", "service=web"], series.Keys);
        Assert.Equal(Points((1, 1), (2, 1), (5, 1), (7, 1), (9, 1), (12, 1)), series["service=api"]);
        Assert.Equal(Points((6, 1), (11, 1)), series["service=db"]);
        Assert.Equal(Points((3, 1), (4, 1), (8, 1), (10, 1)), series["service=web"]);
    }

    [Fact]
    public async Task Windows_longer_than_the_step_overlap_and_rate_divides_by_the_range()
    {
        var counts = await Series(data.A, "sum(count_over_time({service=\"api\"}[5m]))", step: "1m");
        var rates = await Series(data.A, "sum by (service) (rate({service=\"db\"}[2m]))", step: "2m");

        // api lines at minutes 0, 1, 4, 6, 8, 11 (+30 s); the window at t covers (t - 5m, t].
        Assert.Equal(Points((1, 1), (2, 2), (3, 2), (4, 2), (5, 3), (6, 2), (7, 2), (8, 2), (9, 3), (10, 2), (11, 2), (12, 2)), counts[""]);
        Assert.Equal(Points((6, 1 / 120.0), (12, 1 / 120.0)), rates["service=db"]);
    }

    [Fact]
    public async Task A_bare_range_function_has_a_series_per_service_level_and_host()
    {
        var series = await Series(data.A, "count_over_time({service=\"db\"}[12m])", step: "12m");

        Assert.Equal(Points((12, 1)), series["level=debug,service=db"]);
        Assert.Equal(Points((12, 1)), series["level=error,service=db"]);
        Assert.Equal(2, series.Count);
    }

    [Fact]
    public async Task Aggregations_topk_and_bytes_over_time_combine_series()
    {
        var top = await Series(data.A, "topk(1, sum by (service) (count_over_time({}[12m])))", step: "12m");
        var avg = await Series(data.A, "avg by (service) (count_over_time({service=\"web\"}[12m]))", step: "12m");
        var max = await Series(data.A, "max without (host) (count_over_time({service=\"web\"}[12m]))", step: "12m");
        var without = await Series(data.A, "sum without (host) (count_over_time({service=\"web\"}[12m]))", step: "12m");
        var count = await Series(data.A, "count(count_over_time({}[12m]))", step: "12m");
        var bytes = await Series(data.A, "sum by (service) (bytes_over_time({service=\"db\"}[12m]))", step: "12m");
        var status = await Series(data.A, "sum by (status) (count_over_time({service=\"api\"} | json | status >= 400 [12m]))", step: "12m");

        Assert.Equal(["service=api"], top.Keys);
        Assert.Equal(Points((12, 6)), top["service=api"]);
        // web: w1 info, w1 warn, w1 error, w2 info → streams (info,w1) (warn,w1) (error,w1) (info,w2), one line each.
        Assert.Equal(Points((12, 1)), avg["service=web"]);
        Assert.Equal(Points((12, 1)), max["level=info,service=web"]);
        Assert.Equal(Points((12, 2)), without["level=info,service=web"]);
        Assert.Equal(Points((12, 1)), without["level=warn,service=web"]);
        // Streams: api (error,a1) (info,a1) (error,a2) (info,a2) (warn,a1); db (debug) (error); web 4 → 11.
        Assert.Equal(Points((12, 11)), count[""]);
        Assert.Equal(Points((12, "query took 12ms".Length + "deadlock detected TIMEOUT".Length)), bytes["service=db"]);
        Assert.Equal(["status=404", "status=499", "status=500", "status=503"], status.Keys);
    }

    [Fact]
    public async Task Facets_count_services_levels_hosts_and_attribute_values_of_the_query()
    {
        using var json = await GetOkAsync(data.A, $"/api/logs/facets?query=%7B%7D&{data.Range()}");
        var root = json.RootElement;

        Assert.Equal(12, root.GetProperty("total").GetInt64());
        Assert.Equal("api=6 web=4 db=2", Facet(root.GetProperty("services")));
        Assert.Equal("info=5 error=4 warn=2 debug=1", Facet(root.GetProperty("levels")));
        Assert.Equal("a1=4 w1=3 a2=2 w2=1", Facet(root.GetProperty("hosts")));
        var attributes = root.GetProperty("attributes").EnumerateArray().ToList();
        Assert.Equal(["http.route", "region"], attributes.Select(a => a.GetProperty("key").GetString()));
        Assert.Equal("eu=7 us=5", Facet(attributes[1].GetProperty("values")));
        Assert.Equal("/even=6 /odd=6", Facet(attributes[0].GetProperty("values")));
        Assert.Equal(12, root.GetProperty("attribute_sample").GetInt32());
        Assert.False(root.GetProperty("sampled").GetBoolean());

        using var errors = await GetOkAsync(data.A, $"/api/logs/facets?query={Uri.EscapeDataString("{level=\"error\"}")}&{data.Range()}");
        Assert.Equal("api=2 db=1 web=1", Facet(errors.RootElement.GetProperty("services")));
        Assert.Equal(4, errors.RootElement.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task The_volume_histogram_has_a_zero_filled_series_per_level_in_severity_order()
    {
        using var json = await GetOkAsync(data.A, $"/api/logs/volume?query=%7B%7D&{data.Range()}&step=120");
        var series = json.RootElement.GetProperty("series").EnumerateArray().ToList();

        Assert.Equal(120, json.RootElement.GetProperty("step").GetDouble());
        Assert.Equal(["debug", "info", "warn", "error"], series.Select(s => s.GetProperty("labels").GetProperty("level").GetString()));
        // Six two-minute buckets from Start: error lines at minutes 0, 4, 7, 10.
        var error = series[3].GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(k => (Unix(data.Start.AddMinutes(2 * k)), k is 0 or 2 or 3 or 5 ? 1.0 : 0.0)), error);
    }

    [Fact]
    public async Task The_automatic_volume_step_is_a_round_width_for_the_range()
    {
        using var json = await GetOkAsync(data.A, $"/api/logs/volume?{data.Range()}");

        Assert.Equal(10, json.RootElement.GetProperty("step").GetDouble());
        Assert.Equal(12, json.RootElement.GetProperty("series").EnumerateArray().Sum(s => s.GetProperty("points").EnumerateArray().Sum(p => p[1].GetDouble())));
    }

    [Fact]
    public async Task Stats_report_the_orgs_stored_lines_and_bytes()
    {
        using var json = await GetOkAsync(data.A, "/api/logs/stats");

        Assert.Equal(12, json.RootElement.GetProperty("rows").GetInt64());
        long bytes = json.RootElement.GetProperty("bytes").GetInt64();
        Assert.True(bytes > 0);
        Assert.Equal(Math.Round(bytes / 12.0, 2), json.RootElement.GetProperty("bytes_per_log").GetDouble());
    }

    [Fact]
    public async Task Another_orgs_key_never_sees_these_lines_series_facets_or_volume()
    {
        Assert.Equal(["t2", "t1", "t0"], await data.TraceIds(data.B, "{}"));
        Assert.Empty(await data.TraceIds(data.B, "{service=\"api\"}"));
        Assert.Empty(await data.TraceIds(data.A, "{} |= \"org b secret\""));
        var series = await Series(data.B, "sum by (service) (count_over_time({}[12m]))", step: "12m");
        Assert.Equal(["service=b-only"], series.Keys);
        using var facets = await GetOkAsync(data.B, $"/api/logs/facets?{data.Range()}");
        Assert.Equal("b-only=3", Facet(facets.RootElement.GetProperty("services")));
        using var volume = await GetOkAsync(data.B, $"/api/logs/volume?{data.Range()}&step=720");
        Assert.Equal(3, volume.RootElement.GetProperty("series").EnumerateArray().Single().GetProperty("points")[0][1].GetDouble());
        using var stats = await GetOkAsync(data.B, "/api/logs/stats");
        Assert.Equal(3, stats.RootElement.GetProperty("rows").GetInt64());
    }

    [Theory]
    [InlineData("{service=\"api\", | json", "unexpected \"|\" at column 17, expected a label matcher such as service=\"api\"", 17)]
    [InlineData("{} |~ \"(unclosed\"", null, 7)]
    [InlineData("{service=~\"a[\"}", null, 11)]
    [InlineData("sum(rate({}[1m1ms]))", null, 5)]
    [InlineData("count_over_time({}[3000y])", "a range of 1095000.00:00:00 reaches back before the year 1; use a shorter range", 1)]
    [InlineData("{} |= \"\\u0000\"", "a NUL character (\\u0000) at column 8 cannot be searched for", 8)]
    public async Task A_bad_query_is_a_400_problem_with_the_message_column_and_query(string query, string? message, int column)
    {
        using var response = await data.A.GetAsync($"/api/logs/query?query={Uri.EscapeDataString(query)}&from={Iso(DateTime.UtcNow.AddHours(-2))}&step=60");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        if (message is not null)
        {
            Assert.Equal(message, root.GetProperty("detail").GetString());
        }

        Assert.Equal(column, root.GetProperty("column").GetInt32());
        Assert.Equal(query, root.GetProperty("query").GetString());
        Assert.Equal("query", root.GetProperty("field").GetString());
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5001", "limit")]
    [InlineData("direction=sideways", "direction")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("step=0", "step")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from")]
    [InlineData("from=0001-01-01T00:00:00Z&to=0001-01-01T01:00:00Z", "from")]
    [InlineData("from=0&to=9999-12-31T23:59:59Z", "to")]
    [InlineData("step=366d1s", "step")]
    public async Task Bad_parameters_are_a_400_naming_the_parameter(string parameters, string field)
    {
        // Metric queries too: their steps and windows are computed from these times.
        using var metric = await data.A.GetAsync("/api/logs/query?query=count_over_time(%7B%7D%5B1h%5D)&" + parameters);
        Assert.Equal(HttpStatusCode.BadRequest, metric.StatusCode);
        using var response = await data.A.GetAsync("/api/logs/query?query=%7B%7D&" + parameters);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task A_cursor_of_the_other_direction_is_refused()
    {
        using var first = await GetOkAsync(data.A, $"/api/logs/query?query=%7B%7D&{data.Range()}&limit=2");
        string cursor = first.RootElement.GetProperty("next_cursor").GetString()!;

        using var response = await data.A.GetAsync($"/api/logs/query?query=%7B%7D&{data.Range()}&limit=2&direction=forward&cursor={cursor}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/logs/query?query=%7B%7D")]
    [InlineData("/api/logs/facets")]
    [InlineData("/api/logs/volume")]
    [InlineData("/api/logs/stats")]
    public async Task Every_endpoint_needs_a_read_key(string path)
    {
        using var anonymous = await data.Factory.CreateClient().GetAsync(path);
        var (_, ingestOnly) = data.Factory.CreateKey("lq-a", scopes: "ingest");
        using var forbidden = await new SignedClient(data.Factory.CreateClient(), ingestOnly).GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private async Task<SortedDictionary<string, List<(double, double)>>> Series(SignedClient client, string query, string step)
    {
        using var json = await GetOkAsync(client, $"/api/logs/query?query={Uri.EscapeDataString(query)}&{data.Range()}&step={step}");
        var result = new SortedDictionary<string, List<(double, double)>>(StringComparer.Ordinal);
        foreach (var series in json.RootElement.GetProperty("series").EnumerateArray())
        {
            string key = string.Join(',', series.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}"));
            result[key] = series.GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble())).ToList();
        }

        return result;
    }

    private List<(double, double)> Points(params (int Minute, double Value)[] points) =>
        points.Select(p => (Unix(data.Start.AddMinutes(p.Minute)), p.Value)).ToList();

    private static double Unix(DateTime time) => (time - DateTime.UnixEpoch).TotalSeconds;

    private static string Facet(JsonElement values) =>
        string.Join(' ', values.EnumerateArray().Select(v => $"{v.GetProperty("value").GetString()}={v.GetProperty("count").GetInt64()}"));

    private static string Iso(DateTime time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static async Task<JsonDocument> GetOkAsync(SignedClient client, string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }
}

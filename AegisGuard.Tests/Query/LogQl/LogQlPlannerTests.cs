using AegisGuard.Query.LogQl;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;
using AegisGuard.Storage.Logs;
using AegisGuard.Storage.Parquet.Logs;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// The planner turns queries into filter data for the caller's org; the store turns that data into SQL in which
/// user text appears only as parameters, always scoped to the org — so injection attempts are inert.
/// </summary>
public sealed class LogQlPlannerTests
{
    private static readonly DateTime Hour = new(2026, 3, 10, 8, 0, 0, DateTimeKind.Utc);

    private static LogQueryExpr Log(string text) => LogQlPlanner.InnerLogQuery(LogQlParser.Parse(text));

    [Fact]
    public void Selectors_line_filters_and_label_filters_become_predicates_in_query_order()
    {
        var predicates = LogQlPlanner.PlanPredicates(Log(
            "{service=\"api\", level=\"warning\", region!=\"eu\", trace_id=~\"ab.*\"} |= \"x\" |~ i\"y\" | json | status >= 500 and user_id = \"42\" | duration > 250ms | size < 2KB"));

        Assert.Equal(9, predicates.Count);
        Assert.Equal(new LogFieldMatch(LogField.Service, LogMatchOperator.Equal, "api"), predicates[0]);
        Assert.Equal(new LogFieldMatch(LogField.Level, LogMatchOperator.Equal, "warn"), predicates[1]);
        Assert.Equal(new LogFieldMatch(LogField.Attribute("region"), LogMatchOperator.NotEqual, "eu"), predicates[2]);
        Assert.Equal(new LogFieldMatch(LogField.TraceId, LogMatchOperator.Regex, "ab.*"), predicates[3]);
        Assert.Equal(new LogLineMatch(LogLineOperator.Contains, "x"), predicates[4]);
        Assert.Equal(new LogLineMatch(LogLineOperator.Regex, "y", IgnoreCase: true), predicates[5]);
        var and = Assert.IsType<LogPredicateGroup>(predicates[6]);
        Assert.False(and.Any);
        Assert.Equal(
            [
                new LogFieldComparison(new LogField(LogFieldSource.JsonField, "status"), LogComparisonOperator.GreaterOrEqual, 500, LogValueUnit.Number),
                new LogFieldMatch(new LogField(LogFieldSource.JsonField, "user_id"), LogMatchOperator.Equal, "42"),
            ],
            and.Predicates);
        Assert.Equal(new LogFieldComparison(new LogField(LogFieldSource.JsonField, "duration"), LogComparisonOperator.Greater, 0.25, LogValueUnit.Duration), predicates[7]);
        Assert.Equal(new LogFieldComparison(new LogField(LogFieldSource.JsonField, "size"), LogComparisonOperator.Less, 2000, LogValueUnit.Bytes), predicates[8]);
    }

    [Fact]
    public void Names_before_a_parser_are_attributes_and_after_logfmt_are_logfmt_fields()
    {
        var predicates = LogQlPlanner.PlanPredicates(Log("{} | user = \"a\" | logfmt | user = \"b\" or host = \"h\""));

        Assert.Equal(new LogFieldMatch(LogField.Attribute("user"), LogMatchOperator.Equal, "a"), predicates[0]);
        var or = Assert.IsType<LogPredicateGroup>(predicates[1]);
        Assert.True(or.Any);
        Assert.Equal(
            [new LogFieldMatch(new LogField(LogFieldSource.LogfmtField, "user"), LogMatchOperator.Equal, "b"), new LogFieldMatch(LogField.Host, LogMatchOperator.Equal, "h")],
            or.Predicates);
    }

    [Fact]
    public void The_org_of_a_plan_is_the_callers_and_no_query_text_can_change_it()
    {
        var filter = LogQlPlanner.PlanFilter(Log("{org_id=\"1\", service=\"api\"} | org_id = 1"), orgId: 7, Hour, Hour.AddHours(1));

        Assert.Equal(7, filter.OrgId);
        // org_id in a query is just an attribute name: it cannot reach the org_id column.
        Assert.Equal(new LogFieldMatch(LogField.Attribute("org_id"), LogMatchOperator.Equal, "1"), filter.Predicates[0]);
        var (sql, parameters) = LogQueryStore.SearchSql(["f.parquet"], filter, LogSearchDirection.Backward, null, 10);
        Assert.Contains(" WHERE org_id = $org AND ts >= $from AND ts < $to AND ", sql, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(sql, "org_id"));
        Assert.Equal(7, Assert.Single(parameters, p => p.Key == "org").Value);
    }

    [Theory]
    [InlineData("{service=\"x' OR 1=1 --\"}", "x' OR 1=1 --")]
    [InlineData("{} |= \"'; DROP TABLE logs; --\"", "'; DROP TABLE logs; --")]
    [InlineData("{} |~ \"') OR true OR ('\"", "') OR true OR ('")]
    [InlineData("{} | json | zz_field = \"zz $org zz\"", "zz $org zz")]
    [InlineData("{} | json | zz_field = \"\\u0027 UNION SELECT 1 --\"", "' UNION SELECT 1 --")]
    public void User_text_reaches_sql_only_as_parameters_in_searches_aggregations_and_facets(string query, string userText)
    {
        var filter = LogQlPlanner.PlanFilter(Log(query), orgId: 3, Hour, Hour.AddHours(1));
        var statements = new[]
        {
            LogQueryStore.SearchSql(["f.parquet"], filter, LogSearchDirection.Forward, new LogPosition(Hour, 1, 2), 10),
            LogQueryStore.AggregateSql(["f.parquet"], new LogAggregationRequest
            {
                Filter = filter,
                GroupBy = [LogField.Service, new LogField(LogFieldSource.JsonField, "zz_field")],
                BucketOrigin = Hour,
                BucketWidth = TimeSpan.FromMinutes(1),
            }),
            LogQueryStore.FacetSql(["f.parquet"], filter),
        };

        foreach (var (sql, parameters) in statements)
        {
            Assert.DoesNotContain(userText, sql, StringComparison.Ordinal);
            Assert.DoesNotContain("zz_field", sql, StringComparison.Ordinal);
            Assert.Contains("FROM read_parquet($files) WHERE org_id = $org AND ts >= $from AND ts < $to", sql, StringComparison.Ordinal);
            Assert.Contains(parameters, p => p.Value is string s && s.Contains(userText, StringComparison.Ordinal));
            Assert.Equal(3, Assert.Single(parameters, p => p.Key == "org").Value);
        }
    }

    [Theory]
    [InlineData("{} | json | user.plan = \"pro\"")]
    [InlineData("{} | json | status >= 500 and duration > 1s and size < 10KB")]
    [InlineData("{region=\"eu\"} | logfmt | user.plan = \"pro\"")]
    public void Json_is_parsed_only_where_json_valid_says_it_is_json_and_never_under_try(string query)
    {
        // try() over json_extract_string of malformed JSON crashed DuckDB (and the appliance) with SIGSEGV.
        var filter = LogQlPlanner.PlanFilter(Log(query), orgId: 3, Hour, Hour.AddHours(1));
        var statements = new[]
        {
            LogQueryStore.SearchSql(["f.parquet"], filter, LogSearchDirection.Backward, null, 10).Sql,
            LogQueryStore.AggregateSql(["f.parquet"], new LogAggregationRequest
            {
                Filter = filter,
                GroupBy = [new LogField(LogFieldSource.JsonField, "user.plan"), new LogField(LogFieldSource.LogfmtField, "a.b")],
                BucketOrigin = Hour,
                BucketWidth = TimeSpan.FromMinutes(1),
            }).Sql,
        };

        foreach (string sql in statements)
        {
            Assert.DoesNotContain("try(", sql, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(CountOf(sql, "json_extract_string("), CountOf(sql, "THEN list_filter(json_extract_string(") + CountOf(sql, "THEN json_extract_string("));
        }
    }

    [Fact]
    public void Attribute_names_become_json_pointers_that_no_key_can_break_out_of()
    {
        Assert.Equal("/a~1b~0c", LogSqlBuilder.JsonPointer(["a/b~c"]));
        Assert.Equal("/http/status", LogSqlBuilder.JsonPointer(["http", "status"]));
        Assert.Equal("\\$\\(a\\)\\.\\*\\[x\\] y\\|z", LogSqlBuilder.EscapeRegex("$(a).*[x] y|z"));
    }

    [Fact]
    public async Task Injection_attempts_run_as_plain_values_find_nothing_and_change_nothing()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        flush.Add(1, Row(Hour.AddMinutes(1), "api", "info", "ok", 64, 0));
        flush.Add(1, Row(Hour.AddMinutes(2), "x", "error", "payment failed", 64, 1));
        flush.Add(2, Row(Hour.AddMinutes(3), "x' OR 1=1 --", "info", "other org's '; DROP TABLE line", 64, 2));
        store.Flush(flush);

        foreach (string query in new[]
        {
            "{service=\"x' OR 1=1 --\"}",
            "{} |= \"'; DROP TABLE\"",
            "{service=\"x\\\") OR (1=1\"}",
            "{} | json | a = \"' OR ''='\"",
            "{service=~\"x' OR '1'='1\"}",
        })
        {
            var page = await Search(store, query, orgId: 1);
            Assert.Empty(page.Rows);
        }

        // Org 1 still has both of its lines; org 2's line (which contains the attack strings) was never visible to it.
        Assert.Equal(["payment failed", "ok"], (await Search(store, "{}", orgId: 1)).Rows.Select(r => r.Message));
        Assert.Equal(["other org's '; DROP TABLE line"], (await Search(store, "{} |= \"'; DROP TABLE\"", orgId: 2)).Rows.Select(r => r.Message));
    }

    [Fact]
    public async Task Durations_bytes_and_numbers_in_fields_compare_by_value()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var flush = new PendingFlush();
        flush.Cover(64, 128);
        string[] messages =
        [
            "{\"d\":\"250ms\",\"size\":\"2KiB\",\"n\":\"7\"}",
            "{\"d\":\"1m30s\",\"size\":\"1.5MB\",\"n\":12}",
            "{\"d\":0.5,\"size\":900,\"n\":\"x\"}",
            "{\"d\":\"2h\",\"size\":\"3 GB\"}",
            "not json at all d=3s",
            "{\"d\":\"soon\",\"size\":\"big\"}",
            "{broken json",
        ];
        for (int i = 0; i < messages.Length; i++)
        {
            flush.Add(1, Row(Hour.AddSeconds(i), "api", "info", messages[i], 64, i));
        }

        store.Flush(flush);

        Assert.Equal("3 1", await Indexes(store, "{} | json | d > 1s"));
        Assert.Equal("2 0", await Indexes(store, "{} | json | d <= 500ms"));
        Assert.Equal("1", await Indexes(store, "{} | json | d == 90s"));
        Assert.Equal("3 1", await Indexes(store, "{} | json | size >= 1MB"));
        Assert.Equal("2 0", await Indexes(store, "{} | json | size < 2049B"));
        Assert.Equal("1", await Indexes(store, "{} | json | n > 10"));
        Assert.Equal("0", await Indexes(store, "{} | json | n != 12"));
        Assert.Equal("4", await Indexes(store, "{} | logfmt | d >= 3s"));
    }

    private static async Task<string> Indexes(TelemetryStore store, string query) =>
        string.Join(' ', (await Search(store, query, 1)).Rows.Select(r => r.SourceIndex));

    private static Task<LogSearchPage> Search(TelemetryStore store, string query, int orgId) =>
        store.LogQueries.SearchAsync(new LogSearchRequest { Filter = LogQlPlanner.PlanFilter(Log(query), orgId, Hour, Hour.AddHours(1)), Limit = 100 }, CancellationToken.None);

    internal static LogRecord Row(DateTime ts, string service, string level, string message, long address, int index, string attributes = "{}", string? host = null) => new()
    {
        Timestamp = ts,
        ReceivedAt = ts,
        Service = service,
        Level = level,
        Host = host,
        Message = message,
        AttributesJson = attributes,
        SourceAddress = address,
        SourceIndex = index,
    };

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

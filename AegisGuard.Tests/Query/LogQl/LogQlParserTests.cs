using AegisGuard.Query.LogQl.Syntax;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>LogQL-lite text → AST, and positioned errors for text that is not a query.</summary>
public sealed class LogQlParserTests
{
    [Fact]
    public void A_stream_selector_parses_every_matcher_operator()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQlParser.Parse("{service=\"api\", level=~\"error|warn\", host!=\"h1\", region!~\"eu-.*\",}"));

        Assert.Equal(
            [
                new LabelMatcherExpr("service", LabelMatchOperator.Equal, "api", 2, 10),
                new LabelMatcherExpr("level", LabelMatchOperator.Regex, "error|warn", 17, 24),
                new LabelMatcherExpr("host", LabelMatchOperator.NotEqual, "h1", 38, 44),
                new LabelMatcherExpr("region", LabelMatchOperator.NotRegex, "eu-.*", 50, 58),
            ],
            query.Matchers);
        Assert.Empty(query.Stages);
    }

    [Fact]
    public void An_empty_selector_selects_every_line()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQlParser.Parse("  {}  "));

        Assert.Empty(query.Matchers);
        Assert.Equal(3, query.Column);
    }

    [Fact]
    public void Line_filters_chain_with_escapes_raw_strings_and_the_case_insensitive_form()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQlParser.Parse("{service=\"api\"} |= \"timeout\" != \"health\" |~ \"5\\\\d\\\\d\" !~ `\\d+ms` |= i\"TimeOut\""));

        Assert.Equal(
            [
                new LineFilterExpr(LineFilterOperator.Contains, "timeout", false, 17, 20),
                new LineFilterExpr(LineFilterOperator.NotContains, "health", false, 30, 33),
                new LineFilterExpr(LineFilterOperator.Regex, "5\\d\\d", false, 42, 45),
                new LineFilterExpr(LineFilterOperator.NotRegex, "\\d+ms", false, 55, 58),
                new LineFilterExpr(LineFilterOperator.Contains, "TimeOut", true, 66, 69),
            ],
            query.Stages);
    }

    [Fact]
    public void Json_and_label_filters_parse_numbers_durations_bytes_and_strings_with_and_binding_tighter_than_or()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQlParser.Parse("{} | json | status >= 500 and user_id = \"42\" or duration > 1m30s, size <= 10KiB"));

        Assert.Equal(new ParserStageExpr(LogParserKind.Json, 6), query.Stages[0]);
        var stage = Assert.IsType<LabelFilterStageExpr>(query.Stages[1]);
        var or = Assert.IsType<LabelFilterBinaryExpr>(stage.Filter);
        Assert.True(or.Or);
        var left = Assert.IsType<LabelFilterBinaryExpr>(or.Left);
        Assert.False(left.Or);
        Assert.Equal(new LabelComparisonExpr("status", LabelComparisonOperator.GreaterOrEqual, new LabelLiteral(LabelLiteralKind.Number, "500", 500, 23), 13), left.Left);
        Assert.Equal(new LabelComparisonExpr("user_id", LabelComparisonOperator.Equal, new LabelLiteral(LabelLiteralKind.Text, "42", 0, 41), 31), left.Right);
        var right = Assert.IsType<LabelFilterBinaryExpr>(or.Right);
        Assert.False(right.Or);
        Assert.Equal(new LabelComparisonExpr("duration", LabelComparisonOperator.Greater, new LabelLiteral(LabelLiteralKind.Duration, "1m30s", 90, 60), 49), right.Left);
        Assert.Equal(new LabelComparisonExpr("size", LabelComparisonOperator.LessOrEqual, new LabelLiteral(LabelLiteralKind.Bytes, "10KiB", 10240, 75), 67), right.Right);
    }

    [Fact]
    public void Parentheses_group_label_filters_and_logfmt_is_a_parser()
    {
        var query = Assert.IsType<LogQueryExpr>(LogQlParser.Parse("{} | logfmt | (a = \"1\" or b = \"2\") and c != 3"));

        Assert.Equal(LogParserKind.Logfmt, Assert.IsType<ParserStageExpr>(query.Stages[0]).Parser);
        var and = Assert.IsType<LabelFilterBinaryExpr>(Assert.IsType<LabelFilterStageExpr>(query.Stages[1]).Filter);
        Assert.False(and.Or);
        Assert.True(Assert.IsType<LabelFilterBinaryExpr>(and.Left).Or);
        Assert.Equal(LabelComparisonOperator.NotEqual, Assert.IsType<LabelComparisonExpr>(and.Right).Operator);
    }

    [Fact]
    public void Metric_queries_nest_range_functions_in_aggregations_with_grouping_before_or_after()
    {
        var sum = Assert.IsType<VectorAggregationExpr>(LogQlParser.Parse("sum by (service) (count_over_time({level=\"error\"} |= \"x\" [5m]))"));
        var after = Assert.IsType<VectorAggregationExpr>(LogQlParser.Parse("avg(rate({}[1h30m])) without (host, level)"));
        var top = Assert.IsType<VectorAggregationExpr>(LogQlParser.Parse("topk(3, sum by (service) (bytes_over_time({}[30s])))"));
        var bare = Assert.IsType<RangeAggregationExpr>(LogQlParser.Parse("bytes_rate({} | json | status >= 500 [1m])"));

        Assert.Equal(VectorOperator.Sum, sum.Operator);
        Assert.Equal(["service"], sum.Grouping!.Labels);
        Assert.False(sum.Grouping.Without);
        var range = Assert.IsType<RangeAggregationExpr>(sum.Inner);
        Assert.Equal(RangeFunction.CountOverTime, range.Function);
        Assert.Equal(TimeSpan.FromMinutes(5), range.Range);
        Assert.Single(range.Query.Stages);
        Assert.Equal(VectorOperator.Avg, after.Operator);
        Assert.True(after.Grouping!.Without);
        Assert.Equal(["host", "level"], after.Grouping.Labels);
        Assert.Equal(TimeSpan.FromMinutes(90), Assert.IsType<RangeAggregationExpr>(after.Inner).Range);
        Assert.Equal(VectorOperator.Topk, top.Operator);
        Assert.Equal(3, top.K);
        Assert.Equal(RangeFunction.BytesOverTime, Assert.IsType<RangeAggregationExpr>(Assert.IsType<VectorAggregationExpr>(top.Inner).Inner).Function);
        Assert.Equal(RangeFunction.BytesRate, bare.Function);
        Assert.Equal(2, bare.Query.Stages.Count);
    }

    [Theory]
    [InlineData("{service=\"api\", | json", "unexpected \"|\" at column 17, expected a label matcher such as service=\"api\"", 17)]
    [InlineData("{service=\"api\"", "unexpected end of query at column 15, expected \",\" or \"}\"", 15)]
    [InlineData("{service=api}", "unexpected \"api\" at column 10, expected a quoted string after service", 10)]
    [InlineData("{service:\"api\"}", "unexpected \":\" at column 9", 9)]
    [InlineData("{service=\"api\"} |= timeout", "unexpected \"timeout\" at column 20, expected a quoted string after |=", 20)]
    [InlineData("{service=\"api\"} | status >= \"500\"", "unexpected \"500\" at column 29, expected a number, duration or byte size after >=", 29)]
    [InlineData("{} | status", "unexpected end of query at column 12, expected a comparison (= != =~ !~ > >= < <=) after status", 12)]
    [InlineData("{} | 5", "unexpected \"5\" at column 6, expected json, logfmt or a label filter such as status >= 500", 6)]
    [InlineData("{}}", "unexpected \"}\" at column 3, expected \"|\", a line filter (|= != |~ !~) or the end of the query", 3)]
    [InlineData("{} | line_format \"{{.msg}}\"", "unsupported stage \"line_format\" at column 6: LogQL-lite pipelines have line filters, json, logfmt and label filters", 6)]
    [InlineData("{} | json status", "unexpected \"status\" at column 11, expected \"|\" after json (LogQL-lite parsers take no arguments: every field is available)", 11)]
    [InlineData("{service=\"a\"} |= \"unterminated", "unterminated string starting at column 18", 18)]
    [InlineData("{} |~ \"5\\d\"", "invalid escape \"\\d\" at column 9: write \"\\\\d\" for a backslash, or use a `raw string`", 9)]
    [InlineData("count_over_time({service=\"api\"})", "unexpected \")\" at column 32, expected \"|\", a line filter (|= != |~ !~) or a range such as [5m]", 32)]
    [InlineData("rate({}[5x])", "invalid number \"5x\" at column 9: expected a number (500), a duration (250ms, 1m30s) or a byte size (10KB, 2MiB)", 9)]
    [InlineData("rate({}[500])", "unexpected \"500\" at column 9, expected a range duration such as 5m, 30s or 1h", 9)]
    [InlineData("sum by (service) ({service=\"api\"})", "unexpected \"{\" at column 19, expected a metric expression such as count_over_time({…}[5m]) inside sum(…), not a log query", 19)]
    [InlineData("topk(0, rate({}[1m]))", "unexpected \"0\" at column 6, expected the number of series for topk, a whole number from 1 to 10000", 6)]
    [InlineData("sum by service (rate({}[1m]))", "unexpected \"service\" at column 8, expected \"(\" and label names after by", 8)]
    [InlineData("rate({}[1m]) |= \"x\"", "unexpected \"|=\" at column 14, expected the end of the query", 14)]
    [InlineData("service=\"api\"", "unexpected \"service\" at column 1, expected a stream selector such as {service=\"api\"} or a metric function such as count_over_time", 1)]
    [InlineData("   ", "the query is empty: start with a stream selector such as {service=\"api\"}", 1)]
    [InlineData("{} | a =~ 5", "unexpected \"5\" at column 11, expected a quoted regular expression after =~", 11)]
    [InlineData("{} |= \"a\\u0000b\"", "a NUL character (\\u0000) at column 9 cannot be searched for", 9)]
    [InlineData("{} |= `a\0b`", "a NUL character (\\u0000) at column 9 cannot be searched for", 9)]
    [InlineData("{} | x = \"\\ud800\"", "invalid escape \"\\ud800\" at column 11: half of a surrogate pair is not a character; write the character itself", 11)]
    [InlineData("{x=\"\\ude00\\ud83d\"}", "invalid escape \"\\ude00\" at column 5: half of a surrogate pair is not a character; write the character itself", 5)]
    public void Invalid_queries_fail_with_the_message_and_column_of_the_problem(string text, string message, int column)
    {
        var error = Assert.Throws<LogQlSyntaxException>(() => LogQlParser.Parse(text));

        Assert.Equal(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void A_surrogate_pair_written_as_two_escapes_is_the_character_beyond_u_ffff()
    {
        var query = (LogQueryExpr)LogQlParser.Parse("{} |= \"\\ud83d\\ude00 \\u00e9\"");

        Assert.Equal("😀 é", Assert.IsType<LineFilterExpr>(Assert.Single(query.Stages)).Text);
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("250ms", 0.25)]
    [InlineData("90", 90)]
    [InlineData("1.5", 1.5)]
    public void Step_durations_accept_units_and_plain_seconds(string text, double seconds)
    {
        Assert.True(LogQlLexer.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5 minutes")]
    [InlineData("-5s")]
    [InlineData("1KB")]
    public void Step_durations_reject_other_text(string text) => Assert.False(LogQlLexer.TryParseDuration(text, out _));
}

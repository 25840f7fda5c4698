using System.Globalization;

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>
/// Recursive-descent parser of LogQL-lite. Grammar (see docs/logql.md):
/// <code>
/// query        = log-query | metric
/// log-query    = "{" [ matcher { "," matcher } [","] ] "}" { stage }
/// matcher      = name ( "=" | "!=" | "=~" | "!~" ) string
/// stage        = ( "|=" | "!=" | "|~" | "!~" ) string            line filter (i"…" ignores case)
///              | "|" ( "json" | "logfmt" )                      parser
///              | "|" label-filter                               label filter
/// label-filter = and-filter { "or" and-filter }
/// and-filter   = primary { [ "and" | "," ] primary }
/// primary      = "(" label-filter ")" | name op ( string | number | duration | bytes )
/// metric       = range-fn "(" log-query "[" duration "]" ")"
///              | agg [ grouping ] "(" [ number "," ] metric ")" [ grouping ]
/// range-fn     = count_over_time | rate | bytes_over_time | bytes_rate
/// agg          = sum | avg | min | max | count | topk | bottomk
/// grouping     = ( "by" | "without" ) "(" [ name { "," name } ] ")"
/// </code>
/// Errors are <see cref="LogQlSyntaxException"/>s of the form <c>unexpected "|" at column 17, expected a label matcher</c>.
/// </summary>
public sealed class LogQlParser
{
    /// <summary>Longest query text accepted.</summary>
    public const int MaxLength = 16 * 1024;

    private static readonly Dictionary<string, RangeFunction> RangeFunctions = new(StringComparer.Ordinal)
    {
        ["count_over_time"] = RangeFunction.CountOverTime,
        ["rate"] = RangeFunction.Rate,
        ["bytes_over_time"] = RangeFunction.BytesOverTime,
        ["bytes_rate"] = RangeFunction.BytesRate,
    };

    private static readonly Dictionary<string, VectorOperator> VectorOperators = new(StringComparer.Ordinal)
    {
        ["sum"] = VectorOperator.Sum,
        ["avg"] = VectorOperator.Avg,
        ["min"] = VectorOperator.Min,
        ["max"] = VectorOperator.Max,
        ["count"] = VectorOperator.Count,
        ["topk"] = VectorOperator.Topk,
        ["bottomk"] = VectorOperator.Bottomk,
    };

    // Loki stages LogQL-lite does not have: named so the error can say so instead of "unexpected".
    private static readonly HashSet<string> UnsupportedStages = new(StringComparer.Ordinal)
    {
        "line_format", "label_format", "unwrap", "drop", "keep", "pattern", "regexp", "unpack", "decolorize", "distinct",
    };

    private const string StageExpectation = "\"|\", a line filter (|= != |~ !~)";
    private readonly List<LogQlToken> tokens;
    private int position;

    private LogQlParser(List<LogQlToken> tokens) => this.tokens = tokens;

    private LogQlToken Current => tokens[position];

    /// <summary>Parses <paramref name="text"/> into its AST.</summary>
    /// <exception cref="LogQlSyntaxException">The text is not a LogQL-lite query; the message says where and why.</exception>
    public static LogQlExpr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new LogQlSyntaxException($"the query is longer than {MaxLength} characters", MaxLength + 1);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new LogQlSyntaxException("the query is empty: start with a stream selector such as {service=\"api\"}", 1);
        }

        var parser = new LogQlParser(LogQlLexer.Tokenize(text));
        var expr = parser.ParseQuery();
        parser.Expect(LogQlTokenKind.End, expr is LogQueryExpr ? StageExpectation + " or the end of the query" : "the end of the query");
        return expr;
    }

    /// <summary>Like <see cref="Parse"/>, without an exception: false with the message and column on failure.</summary>
    public static bool TryParse(string text, out LogQlExpr? expr, out LogQlSyntaxException? error)
    {
        try
        {
            expr = Parse(text);
            error = null;
            return true;
        }
        catch (LogQlSyntaxException e)
        {
            expr = null;
            error = e;
            return false;
        }
    }

    private LogQlExpr ParseQuery()
    {
        if (Current.Kind == LogQlTokenKind.OpenBrace)
        {
            return ParseLogQuery(inRange: false);
        }

        if (Current.Kind == LogQlTokenKind.Identifier && (RangeFunctions.ContainsKey(Current.Value) || VectorOperators.ContainsKey(Current.Value)))
        {
            return ParseMetric();
        }

        throw Unexpected("a stream selector such as {service=\"api\"} or a metric function such as count_over_time");
    }

    private MetricExpr ParseMetric()
    {
        var name = Current;
        if (name.Kind != LogQlTokenKind.Identifier)
        {
            throw Unexpected("a metric function such as count_over_time, rate or sum");
        }

        if (RangeFunctions.TryGetValue(name.Value, out var function))
        {
            position++;
            Expect(LogQlTokenKind.OpenParen, $"\"(\" after {name.Value}");
            var query = ParseLogQuery(inRange: true);
            Expect(LogQlTokenKind.OpenBracket, StageExpectation + " or a range such as [5m]");
            var range = Current;
            if (range.Kind != LogQlTokenKind.Duration || range.Number <= 0)
            {
                throw Unexpected("a range duration such as 5m, 30s or 1h");
            }

            position++;
            Expect(LogQlTokenKind.CloseBracket, "\"]\"");
            Expect(LogQlTokenKind.CloseParen, "\")\"");
            return new RangeAggregationExpr(function, query, TimeSpan.FromTicks((long)Math.Round(range.Number * TimeSpan.TicksPerSecond)), name.Column);
        }

        if (VectorOperators.TryGetValue(name.Value, out var op))
        {
            position++;
            var grouping = TryParseGrouping();
            Expect(LogQlTokenKind.OpenParen, grouping is null ? $"\"(\" or by/without after {name.Value}" : $"\"(\" after the grouping");
            int k = 0;
            if (op is VectorOperator.Topk or VectorOperator.Bottomk)
            {
                var count = Current;
                if (count.Kind != LogQlTokenKind.Number || count.Number < 1 || count.Number != Math.Floor(count.Number) || count.Number > 10_000)
                {
                    throw Unexpected($"the number of series for {name.Value}, a whole number from 1 to 10000");
                }

                k = (int)count.Number;
                position++;
                Expect(LogQlTokenKind.Comma, "\",\"");
            }

            if (Current.Kind == LogQlTokenKind.OpenBrace)
            {
                throw Unexpected($"a metric expression such as count_over_time({{…}}[5m]) inside {name.Value}(…), not a log query");
            }

            var inner = ParseMetric();
            Expect(LogQlTokenKind.CloseParen, "\")\"");
            if (TryParseGrouping() is { } after)
            {
                if (grouping is not null)
                {
                    throw new LogQlSyntaxException($"{name.Value} has two groupings at column {name.Column}", name.Column);
                }

                grouping = after;
            }

            return new VectorAggregationExpr(op, grouping, inner, k, name.Column);
        }

        throw Unexpected("a metric function such as count_over_time, rate, bytes_over_time, sum, avg, min, max, count or topk");
    }

    private GroupingExpr? TryParseGrouping()
    {
        if (Current.Kind != LogQlTokenKind.Identifier || Current.Value is not ("by" or "without"))
        {
            return null;
        }

        bool without = Current.Value == "without";
        position++;
        Expect(LogQlTokenKind.OpenParen, $"\"(\" and label names after {(without ? "without" : "by")}");
        var labels = new List<string>();
        while (Current.Kind != LogQlTokenKind.CloseParen)
        {
            if (Current.Kind != LogQlTokenKind.Identifier)
            {
                throw Unexpected(labels.Count == 0 ? "a label name or \")\"" : "a label name");
            }

            labels.Add(Current.Value);
            position++;
            if (Current.Kind == LogQlTokenKind.Comma)
            {
                position++;
            }
            else if (Current.Kind != LogQlTokenKind.CloseParen)
            {
                throw Unexpected("\",\" or \")\"");
            }
        }

        position++;
        return new GroupingExpr(without, labels);
    }

    private LogQueryExpr ParseLogQuery(bool inRange)
    {
        var open = Current;
        Expect(LogQlTokenKind.OpenBrace, "a stream selector such as {service=\"api\"}");
        var matchers = new List<LabelMatcherExpr>();
        while (Current.Kind != LogQlTokenKind.CloseBrace)
        {
            matchers.Add(ParseMatcher());
            if (Current.Kind == LogQlTokenKind.Comma)
            {
                position++;
            }
            else if (Current.Kind != LogQlTokenKind.CloseBrace)
            {
                throw Unexpected("\",\" or \"}\"");
            }
        }

        position++;
        var stages = new List<PipelineStageExpr>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case LogQlTokenKind.PipeEqual or LogQlTokenKind.NotEqual or LogQlTokenKind.PipeRegex or LogQlTokenKind.RegexNotMatch:
                    position++;
                    var text = Current;
                    if (text.Kind != LogQlTokenKind.QuotedString)
                    {
                        throw Unexpected($"a quoted string after {token.Text}");
                    }

                    position++;
                    var op = token.Kind switch
                    {
                        LogQlTokenKind.PipeEqual => LineFilterOperator.Contains,
                        LogQlTokenKind.NotEqual => LineFilterOperator.NotContains,
                        LogQlTokenKind.PipeRegex => LineFilterOperator.Regex,
                        _ => LineFilterOperator.NotRegex,
                    };
                    stages.Add(new LineFilterExpr(op, text.Value, text.IgnoreCase, token.Column, text.Column));
                    continue;
                case LogQlTokenKind.Pipe:
                    position++;
                    stages.Add(ParseStageAfterPipe());
                    continue;
                case LogQlTokenKind.OpenBracket when inRange:
                    return new LogQueryExpr(matchers, stages, open.Column);
                default:
                    if (inRange)
                    {
                        throw Unexpected(StageExpectation + " or a range such as [5m]");
                    }

                    return new LogQueryExpr(matchers, stages, open.Column);
            }
        }
    }

    private LabelMatcherExpr ParseMatcher()
    {
        var name = Current;
        if (name.Kind != LogQlTokenKind.Identifier)
        {
            throw Unexpected("a label matcher such as service=\"api\"");
        }

        position++;
        var op = Current.Kind switch
        {
            LogQlTokenKind.Equal => LabelMatchOperator.Equal,
            LogQlTokenKind.NotEqual => LabelMatchOperator.NotEqual,
            LogQlTokenKind.RegexMatch => LabelMatchOperator.Regex,
            LogQlTokenKind.RegexNotMatch => LabelMatchOperator.NotRegex,
            _ => throw Unexpected($"one of = != =~ !~ after {name.Value}"),
        };
        position++;
        var value = Current;
        if (value.Kind != LogQlTokenKind.QuotedString || value.IgnoreCase)
        {
            throw Unexpected($"a quoted string after {name.Value}");
        }

        position++;
        return new LabelMatcherExpr(name.Value, op, value.Value, name.Column, value.Column);
    }

    private PipelineStageExpr ParseStageAfterPipe()
    {
        var token = Current;
        if (token.Kind == LogQlTokenKind.Identifier)
        {
            switch (token.Value)
            {
                case "json":
                    position++;
                    RejectParserArguments("json");
                    return new ParserStageExpr(LogParserKind.Json, token.Column);
                case "logfmt":
                    position++;
                    RejectParserArguments("logfmt");
                    return new ParserStageExpr(LogParserKind.Logfmt, token.Column);
                case var stage when UnsupportedStages.Contains(stage):
                    throw new LogQlSyntaxException(
                        $"unsupported stage \"{stage}\" at column {token.Column}: LogQL-lite pipelines have line filters, json, logfmt and label filters",
                        token.Column);
            }
        }

        if (token.Kind is LogQlTokenKind.Identifier or LogQlTokenKind.OpenParen)
        {
            var filter = ParseOrFilter();
            return new LabelFilterStageExpr(filter, token.Column);
        }

        throw Unexpected("json, logfmt or a label filter such as status >= 500");
    }

    private void RejectParserArguments(string parser)
    {
        // "| json status" would otherwise read as "| json" followed by nonsense; say what is supported.
        if (Current.Kind == LogQlTokenKind.Identifier)
        {
            throw Unexpected($"\"|\" after {parser} (LogQL-lite parsers take no arguments: every field is available)");
        }
    }

    private LabelFilterExpr ParseOrFilter()
    {
        var left = ParseAndFilter();
        while (Current.Kind == LogQlTokenKind.Identifier && Current.Value == "or")
        {
            position++;
            var right = ParseAndFilter();
            left = new LabelFilterBinaryExpr(true, left, right, left.Column);
        }

        return left;
    }

    private LabelFilterExpr ParseAndFilter()
    {
        var left = ParsePrimaryFilter();
        while (true)
        {
            if (Current.Kind == LogQlTokenKind.Identifier && Current.Value == "and")
            {
                position++;
            }
            else if (Current.Kind == LogQlTokenKind.Comma)
            {
                position++;
            }
            else if (!(Current.Kind == LogQlTokenKind.OpenParen || (Current.Kind == LogQlTokenKind.Identifier && Current.Value != "or")))
            {
                return left;
            }

            var right = ParsePrimaryFilter();
            left = new LabelFilterBinaryExpr(false, left, right, left.Column);
        }
    }

    private LabelFilterExpr ParsePrimaryFilter()
    {
        if (Current.Kind == LogQlTokenKind.OpenParen)
        {
            position++;
            var inner = ParseOrFilter();
            Expect(LogQlTokenKind.CloseParen, "\")\", \"and\" or \"or\"");
            return inner;
        }

        var name = Current;
        if (name.Kind != LogQlTokenKind.Identifier)
        {
            throw Unexpected("a label filter such as status >= 500");
        }

        position++;
        var opToken = Current;
        var op = opToken.Kind switch
        {
            LogQlTokenKind.Equal or LogQlTokenKind.DoubleEqual => LabelComparisonOperator.Equal,
            LogQlTokenKind.NotEqual => LabelComparisonOperator.NotEqual,
            LogQlTokenKind.RegexMatch => LabelComparisonOperator.Regex,
            LogQlTokenKind.RegexNotMatch => LabelComparisonOperator.NotRegex,
            LogQlTokenKind.Greater => LabelComparisonOperator.Greater,
            LogQlTokenKind.GreaterOrEqual => LabelComparisonOperator.GreaterOrEqual,
            LogQlTokenKind.Less => LabelComparisonOperator.Less,
            LogQlTokenKind.LessOrEqual => LabelComparisonOperator.LessOrEqual,
            _ => throw Unexpected($"a comparison (= != =~ !~ > >= < <=) after {name.Value}"),
        };
        position++;
        var value = Current;
        LabelLiteral literal = value.Kind switch
        {
            LogQlTokenKind.QuotedString when !value.IgnoreCase => new LabelLiteral(LabelLiteralKind.Text, value.Value, 0, value.Column),
            LogQlTokenKind.Number => new LabelLiteral(LabelLiteralKind.Number, value.Text, value.Number, value.Column),
            LogQlTokenKind.Duration => new LabelLiteral(LabelLiteralKind.Duration, value.Text, value.Number, value.Column),
            LogQlTokenKind.Bytes => new LabelLiteral(LabelLiteralKind.Bytes, value.Text, value.Number, value.Column),
            _ => throw Unexpected($"a string, number, duration or byte size after {opToken.Text}"),
        };
        if (op is LabelComparisonOperator.Regex or LabelComparisonOperator.NotRegex && literal.Kind != LabelLiteralKind.Text)
        {
            throw Unexpected($"a quoted regular expression after {opToken.Text}");
        }

        if (op is LabelComparisonOperator.Greater or LabelComparisonOperator.GreaterOrEqual or LabelComparisonOperator.Less or LabelComparisonOperator.LessOrEqual
            && literal.Kind == LabelLiteralKind.Text)
        {
            throw Unexpected($"a number, duration or byte size after {opToken.Text}");
        }

        position++;
        return new LabelComparisonExpr(name.Value, op, literal, name.Column);
    }

    private void Expect(LogQlTokenKind kind, string expected)
    {
        if (Current.Kind != kind)
        {
            throw Unexpected(expected);
        }

        position++;
    }

    private LogQlSyntaxException Unexpected(string expected)
    {
        var token = Current;
        return new LogQlSyntaxException(
            string.Create(CultureInfo.InvariantCulture, $"unexpected {token.Describe()} at column {token.Column}, expected {expected}"),
            token.Column);
    }
}

using AegisGuard.Ingest.Schema;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Query.LogQl;

/// <summary>
/// Turns a parsed log query into storage filter data (<see cref="LogFilter"/>), never into SQL. The org is an
/// argument taken from the authenticated principal: no part of the query text can name or change it.
/// <list type="bullet">
/// <item>service, level, host, trace_id and span_id name columns; any other name is an attribute — or, after a
/// <c>| json</c> / <c>| logfmt</c> stage, the message field of that name (falling back to the attribute).</item>
/// <item>A string literal compares text (<c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>); a number, duration or byte size
/// compares numbers, converting the field's text (<see cref="LogValueUnit"/>).</item>
/// <item>Level values are normalised like ingestion does (<c>level="warning"</c> finds <c>warn</c>).</item>
/// </list>
/// </summary>
public static class LogQlPlanner
{
    /// <summary>Labels every line has: a metric series without grouping is one per combination of these.</summary>
    public static readonly IReadOnlyList<string> StreamLabels = ["service", "level", "host"];

    /// <summary>The filter for <paramref name="query"/> in <paramref name="orgId"/> over [from, to).</summary>
    public static LogFilter PlanFilter(LogQueryExpr query, int orgId, DateTime from, DateTime to)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new LogFilter { OrgId = orgId, From = from, To = to, Predicates = PlanPredicates(query) };
    }

    /// <summary>The predicates of a log query's selector and pipeline (all must hold).</summary>
    public static IReadOnlyList<LogPredicate> PlanPredicates(LogQueryExpr query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var predicates = new List<LogPredicate>();
        foreach (var matcher in query.Matchers)
        {
            var op = matcher.Operator switch
            {
                LabelMatchOperator.Equal => LogMatchOperator.Equal,
                LabelMatchOperator.NotEqual => LogMatchOperator.NotEqual,
                LabelMatchOperator.Regex => LogMatchOperator.Regex,
                _ => LogMatchOperator.NotRegex,
            };
            var field = Resolve(matcher.Name, parser: null);
            predicates.Add(new LogFieldMatch(field, op, NormaliseValue(field, op, matcher.Value)));
        }

        LogParserKind? parser = null;
        foreach (var stage in query.Stages)
        {
            switch (stage)
            {
                case LineFilterExpr line:
                    var op = line.Operator switch
                    {
                        LineFilterOperator.Contains => LogLineOperator.Contains,
                        LineFilterOperator.NotContains => LogLineOperator.NotContains,
                        LineFilterOperator.Regex => LogLineOperator.Regex,
                        _ => LogLineOperator.NotRegex,
                    };
                    predicates.Add(new LogLineMatch(op, line.Text, line.IgnoreCase));
                    break;
                case ParserStageExpr parse:
                    parser = parse.Parser;
                    break;
                case LabelFilterStageExpr filter:
                    predicates.Add(PlanLabelFilter(filter.Filter, parser));
                    break;
            }
        }

        return predicates;
    }

    /// <summary>Every regular expression of the query with its column, so each can be checked before it runs.</summary>
    public static IReadOnlyList<(string Pattern, int Column)> RegularExpressions(LogQlExpr query)
    {
        var found = new List<(string, int)>();
        Collect(query, found);
        return found;
    }

    /// <summary>The log query inside a metric expression (the first one, for facets of a metric query).</summary>
    public static LogQueryExpr InnerLogQuery(LogQlExpr query) => query switch
    {
        LogQueryExpr log => log,
        RangeAggregationExpr range => range.Query,
        VectorAggregationExpr vector => InnerLogQuery(vector.Inner),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query.GetType().Name, "unknown expression"),
    };

    /// <summary>The field a label name refers to, given the last parser stage before it (if any).</summary>
    public static LogField Resolve(string name, LogParserKind? parser)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "service" => LogField.Service,
            "level" => LogField.Level,
            "host" => LogField.Host,
            "trace_id" => LogField.TraceId,
            "span_id" => LogField.SpanId,
            _ => parser switch
            {
                LogParserKind.Json => new LogField(LogFieldSource.JsonField, name),
                LogParserKind.Logfmt => new LogField(LogFieldSource.LogfmtField, name),
                _ => LogField.Attribute(name),
            },
        };
    }

    /// <summary>The last parser stage of a log query, which decides how grouping labels are read.</summary>
    public static LogParserKind? LastParser(LogQueryExpr query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Stages.OfType<ParserStageExpr>().LastOrDefault()?.Parser;
    }

    private static LogPredicate PlanLabelFilter(LabelFilterExpr filter, LogParserKind? parser)
    {
        switch (filter)
        {
            case LabelFilterBinaryExpr binary:
                var members = new List<LogPredicate>();
                Flatten(binary, binary.Or, parser, members);
                return new LogPredicateGroup(binary.Or, members);
            case LabelComparisonExpr comparison:
                var field = Resolve(comparison.Name, parser);
                if (comparison.Value.Kind == LabelLiteralKind.Text)
                {
                    var match = comparison.Operator switch
                    {
                        LabelComparisonOperator.Equal => LogMatchOperator.Equal,
                        LabelComparisonOperator.NotEqual => LogMatchOperator.NotEqual,
                        LabelComparisonOperator.Regex => LogMatchOperator.Regex,
                        _ => LogMatchOperator.NotRegex,
                    };
                    return new LogFieldMatch(field, match, NormaliseValue(field, match, comparison.Value.Text));
                }

                var op = comparison.Operator switch
                {
                    LabelComparisonOperator.Equal => LogComparisonOperator.Equal,
                    LabelComparisonOperator.NotEqual => LogComparisonOperator.NotEqual,
                    LabelComparisonOperator.Greater => LogComparisonOperator.Greater,
                    LabelComparisonOperator.GreaterOrEqual => LogComparisonOperator.GreaterOrEqual,
                    LabelComparisonOperator.Less => LogComparisonOperator.Less,
                    _ => LogComparisonOperator.LessOrEqual,
                };
                var unit = comparison.Value.Kind switch
                {
                    LabelLiteralKind.Duration => LogValueUnit.Duration,
                    LabelLiteralKind.Bytes => LogValueUnit.Bytes,
                    _ => LogValueUnit.Number,
                };
                return new LogFieldComparison(field, op, comparison.Value.Number, unit);
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter.GetType().Name, "unknown label filter");
        }
    }

    // a and b and c becomes one group of three instead of nested pairs: shorter SQL, same meaning.
    private static void Flatten(LabelFilterExpr filter, bool or, LogParserKind? parser, List<LogPredicate> members)
    {
        if (filter is LabelFilterBinaryExpr binary && binary.Or == or)
        {
            Flatten(binary.Left, or, parser, members);
            Flatten(binary.Right, or, parser, members);
        }
        else
        {
            members.Add(PlanLabelFilter(filter, parser));
        }
    }

    private static string NormaliseValue(LogField field, LogMatchOperator op, string value) =>
        field.Source == LogFieldSource.Level && op is LogMatchOperator.Equal or LogMatchOperator.NotEqual && value.Length > 0
            ? LogLevels.Normalise(value) ?? value
            : value;

    private static void Collect(LogQlExpr expr, List<(string, int)> found)
    {
        switch (expr)
        {
            case LogQueryExpr log:
                foreach (var matcher in log.Matchers.Where(m => m.Operator is LabelMatchOperator.Regex or LabelMatchOperator.NotRegex))
                {
                    found.Add((matcher.Value, matcher.ValueColumn));
                }

                foreach (var stage in log.Stages)
                {
                    if (stage is LineFilterExpr { Operator: LineFilterOperator.Regex or LineFilterOperator.NotRegex } line)
                    {
                        found.Add((line.Text, line.TextColumn));
                    }
                    else if (stage is LabelFilterStageExpr filter)
                    {
                        CollectFilter(filter.Filter, found);
                    }
                }

                break;
            case RangeAggregationExpr range:
                Collect(range.Query, found);
                break;
            case VectorAggregationExpr vector:
                Collect(vector.Inner, found);
                break;
        }
    }

    private static void CollectFilter(LabelFilterExpr filter, List<(string, int)> found)
    {
        if (filter is LabelFilterBinaryExpr binary)
        {
            CollectFilter(binary.Left, found);
            CollectFilter(binary.Right, found);
        }
        else if (filter is LabelComparisonExpr { Operator: LabelComparisonOperator.Regex or LabelComparisonOperator.NotRegex } comparison)
        {
            found.Add((comparison.Value.Text, comparison.Value.Column));
        }
    }
}

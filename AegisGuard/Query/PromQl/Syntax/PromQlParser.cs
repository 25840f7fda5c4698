using System.Globalization;
using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>
/// Recursive-descent PromQL parser with Prometheus' precedence (or &lt; and/unless &lt; comparisons &lt; + - &lt; * / % &lt;
/// unary &lt; ^, <c>^</c> right-associative) and Prometheus' type checks, so a query that Prometheus refuses is refused
/// here with the same reason, positioned as line:column.
/// </summary>
public sealed class PromQlParser
{
    /// <summary>The longest query accepted.</summary>
    public const int MaxLength = 64 * 1024;

    private const int PowPrecedence = 6;
    private const int UnaryPrecedence = 5;

    private readonly string _text;
    private readonly List<PromQlToken> _tokens;
    private int _index;

    private PromQlParser(string text)
    {
        _text = text;
        _tokens = PromQlLexer.Tokenize(text);
    }

    private PromQlToken Current => _tokens[_index];

    public static PromQlExpr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new PromQlSyntaxException($"query is longer than {MaxLength} characters", text, 0);
        }

        var parser = new PromQlParser(text);
        if (parser.Current.Kind == PromQlTokenKind.Eof)
        {
            throw new PromQlSyntaxException("no expression found in input", text, 0);
        }

        var expr = parser.ParseExpr(0);
        if (parser.Current.Kind != PromQlTokenKind.Eof)
        {
            throw parser.Unexpected("end of input");
        }

        return expr;
    }

    /// <summary>Parses a selector (for match[] of the series, labels and label values APIs).</summary>
    public static IReadOnlyList<LabelMatcher> ParseSelector(string text)
    {
        var expr = Parse(text);
        while (expr is ParenExpr p)
        {
            expr = p.Expr;
        }

        return expr is VectorSelector { OffsetMs: 0, At: null, HasOffset: false } vs
            ? vs.Matchers
            : throw new PromQlSyntaxException("expected a vector selector such as up{job=\"api\"}", text, 0);
    }

    private static int Precedence(PromQlToken t) => t.Kind switch
    {
        PromQlTokenKind.Keyword when t.Value == "or" => 1,
        PromQlTokenKind.Keyword when t.Value is "and" or "unless" => 2,
        PromQlTokenKind.Operator when BinaryExpr.IsComparison(t.Value) => 3,
        PromQlTokenKind.Operator when t.Value is "+" or "-" => 4,
        PromQlTokenKind.Operator when t.Value is "*" or "/" or "%" => 5,
        PromQlTokenKind.Operator when t.Value == "^" => PowPrecedence,
        _ => -1,
    };

    private PromQlSyntaxException Error(string message, int position) => new(message, _text, position);

    private PromQlSyntaxException Unexpected(string expected, string? context = null) =>
        Error($"unexpected {Current.Describe()}{(context is null ? string.Empty : context.StartsWith("inside", StringComparison.Ordinal) ? " " + context : " in " + context)}, expected {expected}", Current.Position);

    private long Duration(PromQlToken token) =>
        PromQlLexer.TryParseDuration(token.Value, out long ms) ? ms : throw Error($"not a valid duration string: \"{token.Text}\"", token.Position);

    private PromQlToken Next() => _tokens[_index++];

    private PromQlToken Expect(PromQlTokenKind kind, string expected, string? context = null) =>
        Current.Kind == kind ? Next() : throw Unexpected(expected, context);

    private PromQlExpr ParseExpr(int minPrecedence)
    {
        var lhs = ParseUnary();
        while (true)
        {
            var op = Current;
            int precedence = Precedence(op);
            if (precedence < 0 || precedence < minPrecedence)
            {
                return lhs;
            }

            Next();
            string name = op.Value;
            bool returnBool = false;
            if (Current.Kind == PromQlTokenKind.Keyword && Current.Value == "bool")
            {
                Next();
                returnBool = true;
            }

            bool? on = null;
            List<string> matchingLabels = [];
            MatchCardinality card = BinaryExpr.IsSetOperator(name) ? MatchCardinality.ManyToMany : MatchCardinality.OneToOne;
            List<string> include = [];
            int modifierPosition = Current.Position;
            if (Current.Kind == PromQlTokenKind.Keyword && Current.Value is "on" or "ignoring")
            {
                on = Next().Value == "on";
                matchingLabels = ParseLabelList();
                if (Current.Kind == PromQlTokenKind.Keyword && Current.Value is "group_left" or "group_right")
                {
                    card = Next().Value == "group_left" ? MatchCardinality.ManyToOne : MatchCardinality.OneToMany;
                    if (Current.Kind == PromQlTokenKind.LeftParen)
                    {
                        include = ParseLabelList();
                    }
                }
            }

            var rhs = ParseExpr(name == "^" ? precedence : precedence + 1);
            lhs = MakeBinary(op, name, lhs, rhs, returnBool, on, matchingLabels, card, include, modifierPosition);
        }
    }

    private BinaryExpr MakeBinary(
        PromQlToken op, string name, PromQlExpr lhs, PromQlExpr rhs, bool returnBool, bool? on, List<string> matchingLabels,
        MatchCardinality card, List<string> include, int modifierPosition)
    {
        foreach (var side in new[] { lhs, rhs })
        {
            if (side.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
            {
                throw Error("binary expression must contain only scalar and instant vector types", side.Position);
            }
        }

        bool bothVectors = lhs.Type == PromQlValueType.Vector && rhs.Type == PromQlValueType.Vector;
        if (returnBool && !BinaryExpr.IsComparison(name))
        {
            throw Error("bool modifier can only be used on comparison operators", op.Position);
        }

        if (BinaryExpr.IsComparison(name) && !returnBool && lhs.Type == PromQlValueType.Scalar && rhs.Type == PromQlValueType.Scalar)
        {
            throw Error("comparisons between scalars must use BOOL modifier", op.Position);
        }

        if (BinaryExpr.IsSetOperator(name))
        {
            if (!bothVectors)
            {
                throw Error($"set operator \"{name}\" not allowed in binary scalar expression", op.Position);
            }

            if (card != MatchCardinality.ManyToMany)
            {
                throw Error($"no grouping allowed for \"{name}\" operation", modifierPosition);
            }
        }

        if (on is not null && !bothVectors)
        {
            throw Error("vector matching only allowed between instant vectors", modifierPosition);
        }

        if (on == true)
        {
            foreach (string l in include)
            {
                if (matchingLabels.Contains(l))
                {
                    throw Error($"label \"{l}\" must not occur in ON and GROUP clause at once", modifierPosition);
                }
            }
        }

        var matching = bothVectors ? new VectorMatching(card, on ?? false, matchingLabels, include) : null;
        return new BinaryExpr(name, lhs, rhs, returnBool, matching, lhs.Position);
    }

    private PromQlExpr ParseUnary()
    {
        if (Current.Kind == PromQlTokenKind.Operator && Current.Value is "-" or "+")
        {
            var op = Next();

            // Unary minus binds like * and /: tighter than + and -, looser than ^ (so -2^2 is -4).
            var operand = ParseExpr(PowPrecedence);
            _ = UnaryPrecedence;
            if (operand.Type is not (PromQlValueType.Scalar or PromQlValueType.Vector))
            {
                throw Error($"unary expression only allowed on expressions of type scalar or instant vector, got \"{operand.Type.ToString().ToLowerInvariant()}\"", operand.Position);
            }

            if (op.Value == "+")
            {
                return operand;
            }

            return operand is NumberLiteral n ? n with { Value = -n.Value, Position = op.Position } : new UnaryExpr(true, operand, op.Position);
        }

        return ParsePostfix(ParsePrimary());
    }

    private PromQlExpr ParsePostfix(PromQlExpr expr)
    {
        while (true)
        {
            if (Current.Kind == PromQlTokenKind.LeftBracket)
            {
                expr = ParseRange(expr);
            }
            else if (Current.Kind == PromQlTokenKind.Keyword && Current.Value == "offset")
            {
                var at = Next();
                bool negative = false;
                if (Current.Kind == PromQlTokenKind.Operator && Current.Value is "-" or "+")
                {
                    negative = Next().Value == "-";
                }

                long ms = Duration(Expect(PromQlTokenKind.Duration, "duration", "offset"));
                ms = negative ? -ms : ms;
                expr = expr switch
                {
                    VectorSelector { HasOffset: true } or MatrixSelector { Vector.HasOffset: true } or SubqueryExpr { HasOffset: true } =>
                        throw Error("offset may not be set multiple times", at.Position),
                    VectorSelector vs => vs with { OffsetMs = ms, HasOffset = true },
                    MatrixSelector m => m with { Vector = m.Vector with { OffsetMs = ms, HasOffset = true } },
                    SubqueryExpr s => s with { OffsetMs = ms, HasOffset = true },
                    _ => throw Error("offset modifier must be preceded by an instant vector selector or range vector selector or a subquery", at.Position),
                };
            }
            else if (Current.Kind == PromQlTokenKind.At)
            {
                var at = Next();
                var modifier = ParseAt();
                expr = expr switch
                {
                    VectorSelector { At: not null } or MatrixSelector { Vector.At: not null } or SubqueryExpr { At: not null } =>
                        throw Error("@ <timestamp> may not be set multiple times", at.Position),
                    VectorSelector vs => vs with { At = modifier },
                    MatrixSelector m => m with { Vector = m.Vector with { At = modifier } },
                    SubqueryExpr s => s with { At = modifier },
                    _ => throw Error("@ modifier must be preceded by an instant vector selector or range vector selector or a subquery", at.Position),
                };
            }
            else
            {
                return expr;
            }
        }
    }

    private AtModifier ParseAt()
    {
        if (Current.Kind == PromQlTokenKind.Identifier && Current.Value is "start" or "end")
        {
            var word = Next();
            Expect(PromQlTokenKind.LeftParen, "\"(\"", "@ modifier");
            Expect(PromQlTokenKind.RightParen, "\")\"", "@ modifier");
            return new AtModifier(word.Value == "start" ? AtKind.Start : AtKind.End, 0);
        }

        bool negative = false;
        if (Current.Kind == PromQlTokenKind.Operator && Current.Value is "-" or "+")
        {
            negative = Next().Value == "-";
        }

        var number = Expect(PromQlTokenKind.Number, "number or start() or end()", "@ modifier");
        double seconds = negative ? -number.Number : number.Number;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > long.MaxValue / 1000.0 / 1_000_000)
        {
            throw Error($"timestamp out of bounds for @ modifier: {seconds.ToString(CultureInfo.InvariantCulture)}", number.Position);
        }

        return new AtModifier(AtKind.Timestamp, (long)Math.Round(seconds * 1000));
    }

    private PromQlExpr ParseRange(PromQlExpr expr)
    {
        var open = Next();
        var range = Expect(PromQlTokenKind.Duration, "duration", "range");
        long rangeMs = Duration(range);
        if (rangeMs == 0)
        {
            throw Error("range cannot be zero", range.Position);
        }

        if (Current.Kind == PromQlTokenKind.RightBracket)
        {
            Next();
            return expr switch
            {
                VectorSelector { HasOffset: true } or VectorSelector { At: not null } =>
                    throw Error("no offset or @ modifiers allowed before range", open.Position),
                VectorSelector vs => new MatrixSelector(vs, rangeMs, vs.Position),
                _ => throw Error("ranges only allowed for vector selectors", open.Position),
            };
        }

        // A subquery: "[range:step]"; ":" directly after a duration lexes as part of an identifier-free colon.
        if (!(Current.Kind == PromQlTokenKind.Colon || (Current.Kind == PromQlTokenKind.MetricIdentifier && Current.Value == ":")))
        {
            throw Unexpected("\"]\" or \":\"", "subquery or range");
        }

        Next();
        long stepMs = 0;
        if (Current.Kind == PromQlTokenKind.Duration)
        {
            var step = Next();
            stepMs = Duration(step);
            if (stepMs == 0)
            {
                throw Error("step cannot be zero", step.Position);
            }
        }

        Expect(PromQlTokenKind.RightBracket, "\"]\"", "subquery");
        if (expr.Type != PromQlValueType.Vector)
        {
            throw Error($"subquery is only allowed on instant vector, got {expr.Type.ToString().ToLowerInvariant()} instead", expr.Position);
        }

        return new SubqueryExpr(expr, rangeMs, stepMs, 0, null, expr.Position);
    }

    private PromQlExpr ParsePrimary()
    {
        var t = Current;
        switch (t.Kind)
        {
            case PromQlTokenKind.Number:
                Next();
                return new NumberLiteral(t.Number, t.Position);
            case PromQlTokenKind.QuotedString:
                Next();
                return new StringLiteral(t.Value, t.Position);
            case PromQlTokenKind.LeftParen:
            {
                Next();
                var inner = ParseExpr(0);
                Expect(PromQlTokenKind.RightParen, "\")\"", "paren expression");
                return new ParenExpr(inner, t.Position);
            }

            case PromQlTokenKind.LeftBrace:
                return ParseSelector(null, t.Position);
            case PromQlTokenKind.Keyword when AggregateExpr.Operators.Contains(t.Value):
                return ParseAggregation();
            case PromQlTokenKind.Identifier when _tokens[_index + 1].Kind == PromQlTokenKind.LeftParen:
                return ParseCall();
            case PromQlTokenKind.Identifier or PromQlTokenKind.MetricIdentifier:
                Next();
                return ParseSelector(t.Text, t.Position);
            case PromQlTokenKind.Duration:
                throw Error($"unexpected {t.Describe()}", t.Position);
            default:
                throw Unexpected("expression");
        }
    }

    private VectorSelector ParseSelector(string? name, int position)
    {
        var matchers = new List<LabelMatcher>();
        if (name is not null)
        {
            matchers.Add(new LabelMatcher("__name__", LabelMatchType.Equal, name));
        }

        if (Current.Kind == PromQlTokenKind.LeftBrace)
        {
            Next();
            while (Current.Kind != PromQlTokenKind.RightBrace)
            {
                var label = Current;
                if (label.Kind is not (PromQlTokenKind.Identifier or PromQlTokenKind.Keyword))
                {
                    throw Unexpected("label matching operator or label name", "inside braces");
                }

                Next();
                var op = Current;
                LabelMatchType type = op switch
                {
                    { Kind: PromQlTokenKind.Assign } => LabelMatchType.Equal,
                    { Kind: PromQlTokenKind.Operator, Value: "!=" } => LabelMatchType.NotEqual,
                    { Kind: PromQlTokenKind.Operator, Value: "=~" } => LabelMatchType.Regex,
                    { Kind: PromQlTokenKind.Operator, Value: "!~" } => LabelMatchType.NotRegex,
                    _ => throw Unexpected("label matching operator", "inside braces"),
                };
                Next();
                var value = Expect(PromQlTokenKind.QuotedString, "string", "inside braces");
                if (type is LabelMatchType.Regex or LabelMatchType.NotRegex)
                {
                    _ = PromQlRegex.Compile(value.Value, m => Error(m, value.Position));
                }

                string labelName = label.Text;
                if (labelName == "__name__" && name is not null)
                {
                    throw Error($"metric name must not be set twice: \"{name}\" or \"{value.Value}\"", label.Position);
                }

                matchers.Add(new LabelMatcher(labelName, type, value.Value));
                if (Current.Kind == PromQlTokenKind.Comma)
                {
                    Next();
                }
                else if (Current.Kind != PromQlTokenKind.RightBrace)
                {
                    throw Unexpected("\",\" or \"}\"", "inside braces");
                }
            }

            Next();
        }

        if (!matchers.Any(m => !PromQlRegex.Matches(m, string.Empty)))
        {
            throw Error("vector selector must contain at least one non-empty matcher", position);
        }

        return new VectorSelector(matchers, 0, null, position);
    }

    private List<string> ParseLabelList()
    {
        Expect(PromQlTokenKind.LeftParen, "\"(\"", "grouping opts");
        var labels = new List<string>();
        while (Current.Kind != PromQlTokenKind.RightParen)
        {
            if (Current.Kind is not (PromQlTokenKind.Identifier or PromQlTokenKind.Keyword))
            {
                throw Unexpected("label", "grouping");
            }

            labels.Add(Next().Text);
            if (Current.Kind == PromQlTokenKind.Comma)
            {
                Next();
            }
            else if (Current.Kind != PromQlTokenKind.RightParen)
            {
                throw Unexpected("\",\" or \")\"", "grouping");
            }
        }

        Next();
        return labels;
    }

    private AggregateExpr ParseAggregation()
    {
        var opToken = Next();
        string op = opToken.Value;
        bool without = false;
        List<string>? grouping = null;
        if (Current.Kind == PromQlTokenKind.Keyword && Current.Value is "by" or "without")
        {
            without = Next().Value == "without";
            grouping = ParseLabelList();
        }

        Expect(PromQlTokenKind.LeftParen, "\"(\"", "aggregation");
        PromQlExpr? param = null;
        var first = ParseExpr(0);
        PromQlExpr expr = first;
        if (Current.Kind == PromQlTokenKind.Comma)
        {
            Next();
            param = first;
            expr = ParseExpr(0);
        }

        Expect(PromQlTokenKind.RightParen, "\")\"", "aggregation");
        if (grouping is null && Current.Kind == PromQlTokenKind.Keyword && Current.Value is "by" or "without")
        {
            without = Next().Value == "without";
            grouping = ParseLabelList();
        }

        bool takesParam = op is "topk" or "bottomk" or "quantile" or "count_values";
        if (takesParam && param is null)
        {
            throw Error($"wrong number of arguments for aggregate expression provided, expected 2, got 1", opToken.Position);
        }

        if (!takesParam && param is not null)
        {
            throw Error($"wrong number of arguments for aggregate expression provided, expected 1, got 2", opToken.Position);
        }

        if (expr.Type != PromQlValueType.Vector)
        {
            throw Error($"expected type instant vector in aggregation expression, got {PromQlExpr.Describe(expr.Type)}", expr.Position);
        }

        if (param is not null)
        {
            var want = op == "count_values" ? PromQlValueType.Text : PromQlValueType.Scalar;
            if (param.Type != want)
            {
                throw Error($"expected type {PromQlExpr.Describe(want)} in aggregation parameter, got {PromQlExpr.Describe(param.Type)}", param.Position);
            }
        }

        return new AggregateExpr(op, expr, param, without, grouping ?? [], opToken.Position);
    }

    private CallExpr ParseCall()
    {
        var nameToken = Next();
        if (!PromQlFunction.All.TryGetValue(nameToken.Text, out var function))
        {
            throw Error($"unknown function with name \"{nameToken.Text}\"", nameToken.Position);
        }

        Expect(PromQlTokenKind.LeftParen, "\"(\"", "function call");
        var args = new List<PromQlExpr>();
        while (Current.Kind != PromQlTokenKind.RightParen)
        {
            args.Add(ParseExpr(0));
            if (Current.Kind == PromQlTokenKind.Comma)
            {
                Next();
            }
            else if (Current.Kind != PromQlTokenKind.RightParen)
            {
                throw Unexpected("\",\" or \")\"", "function call");
            }
        }

        Next();
        int declared = function.ArgTypes.Count;
        if (function.Variadic == 0 && args.Count != declared)
        {
            throw Error($"expected {declared} argument(s) in call to \"{function.Name}\", got {args.Count}", nameToken.Position);
        }

        if (function.Variadic != 0 && args.Count < declared - 1)
        {
            throw Error($"expected at least {declared - 1} argument(s) in call to \"{function.Name}\", got {args.Count}", nameToken.Position);
        }

        if (function.Variadic > 0 && args.Count > declared - 1 + function.Variadic)
        {
            throw Error($"expected at most {declared - 1 + function.Variadic} argument(s) in call to \"{function.Name}\", got {args.Count}", nameToken.Position);
        }

        for (int i = 0; i < args.Count; i++)
        {
            var want = function.ArgTypes[Math.Min(i, declared - 1)];
            if (args[i].Type != want)
            {
                throw Error($"expected type {PromQlExpr.Describe(want)} in call to function \"{function.Name}\", got {PromQlExpr.Describe(args[i].Type)}", args[i].Position);
            }
        }

        if (function.Name == "label_replace")
        {
            _ = PromQlRegex.Compile(((StringLiteral)Unwrap(args[4])).Value, m => Error($"invalid regular expression in label_replace(): {m}", args[4].Position));
        }

        return new CallExpr(function, args, nameToken.Position);
    }

    internal static PromQlExpr Unwrap(PromQlExpr e)
    {
        while (e is ParenExpr p)
        {
            e = p.Expr;
        }

        return e;
    }
}

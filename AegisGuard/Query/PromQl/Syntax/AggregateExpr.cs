namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>An aggregation such as <c>sum by (job) (x)</c> or <c>topk(3, x)</c>; the operator is lower case.</summary>
public sealed record AggregateExpr(string Op, PromQlExpr Expr, PromQlExpr? Param, bool Without, IReadOnlyList<string> Grouping, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Vector;

    /// <summary>The aggregation operators this engine supports.</summary>
    public static readonly IReadOnlySet<string> Operators = new HashSet<string>(StringComparer.Ordinal)
    {
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    };
}

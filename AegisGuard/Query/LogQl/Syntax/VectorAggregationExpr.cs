namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>sum by (service) (…)</c>, <c>topk(5, …)</c>: combines the series of its operand at every step.</summary>
/// <param name="Operator">sum, avg, min, max, count, topk or bottomk.</param>
/// <param name="Grouping">by/without labels, or null for one group.</param>
/// <param name="Inner">The operand.</param>
/// <param name="K">For topk/bottomk: how many series.</param>
/// <param name="Column">Column of the operator.</param>
public sealed record VectorAggregationExpr(VectorOperator Operator, GroupingExpr? Grouping, MetricExpr Inner, int K, int Column) : MetricExpr(Column);

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>A query returning series: <see cref="RangeAggregationExpr"/> or <see cref="VectorAggregationExpr"/>.</summary>
/// <param name="Column">Column where it starts.</param>
public abstract record MetricExpr(int Column) : LogQlExpr(Column);

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>count_over_time({…} |= "x" [5m])</c>: a value per series and step from the lines in the window.</summary>
/// <param name="Function">count_over_time, rate, bytes_over_time or bytes_rate.</param>
/// <param name="Query">The log query.</param>
/// <param name="Range">The window looked back from each step.</param>
/// <param name="Column">Column of the function name.</param>
public sealed record RangeAggregationExpr(RangeFunction Function, LogQueryExpr Query, TimeSpan Range, int Column) : MetricExpr(Column);

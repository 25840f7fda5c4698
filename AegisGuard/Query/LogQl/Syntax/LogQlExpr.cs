namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>A parsed LogQL-lite query: a <see cref="LogQueryExpr"/> (lines) or a <see cref="MetricExpr"/> (series).</summary>
/// <param name="Column">1-based column where the expression starts, for errors found after parsing.</param>
public abstract record LogQlExpr(int Column);

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>A label filter condition: <see cref="LabelComparisonExpr"/> or <see cref="LabelFilterBinaryExpr"/>.</summary>
/// <param name="Column">Column where it starts.</param>
public abstract record LabelFilterExpr(int Column);

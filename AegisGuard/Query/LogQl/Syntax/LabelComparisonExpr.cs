namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>status &gt;= 500</c>, <c>duration &gt; 1s</c>, <c>user_id = "42"</c>, <c>path =~ "/api/.*"</c>.</summary>
/// <param name="Name">Field name.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The literal (its kind decides how the field is compared).</param>
/// <param name="Column">Column of the name.</param>
public sealed record LabelComparisonExpr(string Name, LabelComparisonOperator Operator, LabelLiteral Value, int Column) : LabelFilterExpr(Column);

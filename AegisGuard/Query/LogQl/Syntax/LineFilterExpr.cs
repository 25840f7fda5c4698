namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>|= "timeout"</c>, <c>!= "health"</c>, <c>|~ "5\\d\\d"</c>, <c>!~ "…"</c>; <c>i"…"</c> ignores case.</summary>
/// <param name="Operator">The filter.</param>
/// <param name="Text">Substring or RE2 pattern.</param>
/// <param name="IgnoreCase">Written as <c>i"…"</c>.</param>
/// <param name="Column">Column of the operator.</param>
/// <param name="TextColumn">Column of the string.</param>
public sealed record LineFilterExpr(LineFilterOperator Operator, string Text, bool IgnoreCase, int Column, int TextColumn) : PipelineStageExpr(Column);

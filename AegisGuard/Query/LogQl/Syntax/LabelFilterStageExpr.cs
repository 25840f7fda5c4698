namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>| status &gt;= 500 and user_id = "42"</c>.</summary>
/// <param name="Filter">The condition.</param>
/// <param name="Column">Column of the condition.</param>
public sealed record LabelFilterStageExpr(LabelFilterExpr Filter, int Column) : PipelineStageExpr(Column);

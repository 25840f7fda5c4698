namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>One stage after the selector: <see cref="LineFilterExpr"/>, <see cref="ParserStageExpr"/> or <see cref="LabelFilterStageExpr"/>.</summary>
/// <param name="Column">Column where the stage starts.</param>
public abstract record PipelineStageExpr(int Column);

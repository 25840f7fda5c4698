namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>| json</c> or <c>| logfmt</c>: later label filters and groupings read fields of the message.</summary>
/// <param name="Parser">Which format.</param>
/// <param name="Column">Column of the parser's name.</param>
public sealed record ParserStageExpr(LogParserKind Parser, int Column) : PipelineStageExpr(Column);

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>{service="api"} |= "timeout" | json | status &gt;= 500</c>: a stream selector and a pipeline.</summary>
/// <param name="Matchers">The selector's matchers (may be empty: <c>{}</c> selects every line).</param>
/// <param name="Stages">Line filters, parsers and label filters, in order.</param>
/// <param name="Column">Column of the opening brace.</param>
public sealed record LogQueryExpr(IReadOnlyList<LabelMatcherExpr> Matchers, IReadOnlyList<PipelineStageExpr> Stages, int Column) : LogQlExpr(Column);

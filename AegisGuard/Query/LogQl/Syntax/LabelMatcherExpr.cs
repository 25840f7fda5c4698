namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>service="api"</c> inside a stream selector.</summary>
/// <param name="Name">Label name: service, level, host, trace_id, span_id or an attribute.</param>
/// <param name="Operator">= != =~ !~.</param>
/// <param name="Value">The literal or RE2 pattern.</param>
/// <param name="Column">Column of the label name.</param>
/// <param name="ValueColumn">Column of the value (where a bad pattern is reported).</param>
public sealed record LabelMatcherExpr(string Name, LabelMatchOperator Operator, string Value, int Column, int ValueColumn);

namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>by (service, level)</c> or <c>without (host)</c>.</summary>
/// <param name="Without">True for <c>without</c>.</param>
/// <param name="Labels">The labels named.</param>
public sealed record GroupingExpr(bool Without, IReadOnlyList<string> Labels);

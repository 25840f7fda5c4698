namespace AegisGuard.Query.LogQl.Syntax;

/// <summary><c>a and b</c> (also written <c>a, b</c> or <c>a b</c>) or <c>a or b</c>; <c>and</c> binds tighter.</summary>
/// <param name="Or">True for <c>or</c>.</param>
/// <param name="Left">Left operand.</param>
/// <param name="Right">Right operand.</param>
/// <param name="Column">Column of the left operand.</param>
public sealed record LabelFilterBinaryExpr(bool Or, LabelFilterExpr Left, LabelFilterExpr Right, int Column) : LabelFilterExpr(Column);

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary><c>expr[range:step]</c>; a step of 0 means the default evaluation interval.</summary>
public sealed record SubqueryExpr(PromQlExpr Expr, long RangeMs, long StepMs, long OffsetMs, AtModifier? At, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Matrix;

    /// <summary>Whether an offset was written, to refuse a second one.</summary>
    public bool HasOffset { get; init; }
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A range vector selector <c>x[5m]</c>; offset and <c>@</c> live on its vector selector, as in Prometheus.</summary>
public sealed record MatrixSelector(VectorSelector Vector, long RangeMs, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Matrix;
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A function call.</summary>
public sealed record CallExpr(PromQlFunction Function, IReadOnlyList<PromQlExpr> Args, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => Function.ReturnType;
}

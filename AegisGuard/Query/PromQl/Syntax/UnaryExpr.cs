namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>Unary minus (or plus) of a scalar or instant vector.</summary>
public sealed record UnaryExpr(bool Negate, PromQlExpr Expr, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => Expr.Type;
}

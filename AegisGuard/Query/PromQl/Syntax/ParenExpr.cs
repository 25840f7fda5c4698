namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A parenthesised expression.</summary>
public sealed record ParenExpr(PromQlExpr Expr, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => Expr.Type;
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A string, escapes decoded.</summary>
public sealed record StringLiteral(string Value, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Text;
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A number (decimal, hex, exponent, Inf or NaN).</summary>
public sealed record NumberLiteral(double Value, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Scalar;
}

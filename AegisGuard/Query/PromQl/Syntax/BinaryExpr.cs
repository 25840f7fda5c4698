namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A binary operation; <see cref="Matching"/> is set when both sides are instant vectors.</summary>
public sealed record BinaryExpr(string Op, PromQlExpr Lhs, PromQlExpr Rhs, bool ReturnBool, VectorMatching? Matching, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type =>
        Lhs.Type == PromQlValueType.Scalar && Rhs.Type == PromQlValueType.Scalar ? PromQlValueType.Scalar : PromQlValueType.Vector;

    public static bool IsComparison(string op) => op is "==" or "!=" or ">" or "<" or ">=" or "<=";

    public static bool IsSetOperator(string op) => op is "and" or "or" or "unless";
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>The four types a PromQL expression can have.</summary>
public enum PromQlValueType
{
    Scalar,
    Vector,
    Matrix,
    Text,
}

namespace AegisGuard.Query.PromQl;

/// <summary>The Prometheus API's resultType.</summary>
public enum PromQlResultType
{
    Scalar,
    Text,
    Vector,
    Matrix,
}

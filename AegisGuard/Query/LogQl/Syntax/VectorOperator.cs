namespace AegisGuard.Query.LogQl.Syntax;

/// <summary>Aggregations across series.</summary>
public enum VectorOperator
{
    Sum,
    Avg,
    Min,
    Max,
    Count,
    Topk,
    Bottomk,
}

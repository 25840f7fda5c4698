namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>A node of the PromQL syntax tree; <see cref="Position"/> is its 0-based offset in the query.</summary>
public abstract record PromQlExpr(int Position)
{
    /// <summary>The type the expression evaluates to.</summary>
    public abstract PromQlValueType Type { get; }

    /// <summary>Names a value type as Prometheus' errors do.</summary>
    public static string Describe(PromQlValueType type) => type switch
    {
        PromQlValueType.Scalar => "scalar",
        PromQlValueType.Vector => "instant vector",
        PromQlValueType.Matrix => "range vector",
        _ => "string",
    };
}

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>
/// A supported function's signature. As in Prometheus' function table, a non-zero <see cref="Variadic"/> makes the last
/// argument optional and allows that many of it (a negative one: any number).
/// </summary>
public sealed record PromQlFunction(string Name, IReadOnlyList<PromQlValueType> ArgTypes, PromQlValueType ReturnType, int Variadic = 0)
{
    private const PromQlValueType S = PromQlValueType.Scalar;
    private const PromQlValueType V = PromQlValueType.Vector;
    private const PromQlValueType M = PromQlValueType.Matrix;
    private const PromQlValueType Str = PromQlValueType.Text;

    /// <summary>Every function the engine evaluates, by name.</summary>
    public static readonly IReadOnlyDictionary<string, PromQlFunction> All = new[]
    {
        new PromQlFunction("rate", [M], V),
        new PromQlFunction("irate", [M], V),
        new PromQlFunction("increase", [M], V),
        new PromQlFunction("delta", [M], V),
        new PromQlFunction("idelta", [M], V),
        new PromQlFunction("deriv", [M], V),
        new PromQlFunction("predict_linear", [M, S], V),
        new PromQlFunction("resets", [M], V),
        new PromQlFunction("changes", [M], V),
        new PromQlFunction("avg_over_time", [M], V),
        new PromQlFunction("min_over_time", [M], V),
        new PromQlFunction("max_over_time", [M], V),
        new PromQlFunction("sum_over_time", [M], V),
        new PromQlFunction("count_over_time", [M], V),
        new PromQlFunction("last_over_time", [M], V),
        new PromQlFunction("present_over_time", [M], V),
        new PromQlFunction("quantile_over_time", [S, M], V),
        new PromQlFunction("stddev_over_time", [M], V),
        new PromQlFunction("stdvar_over_time", [M], V),
        new PromQlFunction("absent_over_time", [M], V),
        new PromQlFunction("histogram_quantile", [S, V], V),
        new PromQlFunction("abs", [V], V),
        new PromQlFunction("ceil", [V], V),
        new PromQlFunction("floor", [V], V),
        new PromQlFunction("exp", [V], V),
        new PromQlFunction("sqrt", [V], V),
        new PromQlFunction("ln", [V], V),
        new PromQlFunction("log2", [V], V),
        new PromQlFunction("log10", [V], V),
        new PromQlFunction("sgn", [V], V),
        new PromQlFunction("round", [V, S], V, 1),
        new PromQlFunction("clamp", [V, S, S], V),
        new PromQlFunction("clamp_min", [V, S], V),
        new PromQlFunction("clamp_max", [V, S], V),
        new PromQlFunction("time", [], S),
        new PromQlFunction("timestamp", [V], V),
        new PromQlFunction("vector", [S], V),
        new PromQlFunction("scalar", [V], S),
        new PromQlFunction("absent", [V], V),
        new PromQlFunction("label_replace", [V, Str, Str, Str, Str], V),
        new PromQlFunction("label_join", [V, Str, Str, Str], V, -1),
        new PromQlFunction("sort", [V], V),
        new PromQlFunction("sort_desc", [V], V),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);
}

using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl.Syntax;

/// <summary>An instant vector selector: matchers (the metric name as a <c>__name__</c> matcher), offset and <c>@</c>.</summary>
public sealed record VectorSelector(IReadOnlyList<LabelMatcher> Matchers, long OffsetMs, AtModifier? At, int Position) : PromQlExpr(Position)
{
    public override PromQlValueType Type => PromQlValueType.Vector;

    /// <summary>Whether an offset was written (even <c>offset 0s</c>), to refuse a second one.</summary>
    public bool HasOffset { get; init; }
}

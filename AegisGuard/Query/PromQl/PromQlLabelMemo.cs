using AegisGuard.Storage.Metrics;

namespace AegisGuard.Query.PromQl;

/// <summary>
/// Label-set results remembered for one evaluation, by the identity of the input array. A range query evaluates every
/// step anew, so without it each of N series rebuilt the same name-less label set, grouping labels and string key at
/// each of S steps (N × S allocations; for 480 series × 241 steps that was most of the evaluation's time). Label arrays
/// are never changed after they are made, so an array's results stay right for the whole evaluation; the outputs are
/// themselves the same arrays at every step, which makes the next memo hit too. Each table is cleared when it reaches
/// <see cref="MaxEntries"/> (arrays made fresh at every step would otherwise only add entries), which bounds memory.
/// </summary>
internal sealed class PromQlLabelMemo
{
    internal const int MaxEntries = 100_000;

    private readonly Dictionary<MetricLabel[], MetricLabel[]> _nameless = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<MetricLabel[], string> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, Dictionary<MetricLabel[], MetricLabel[]>> _groupings = new(ReferenceEqualityComparer.Instance);

    private readonly Dictionary<object, bool> _distinct = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Whether the label sets of <paramref name="owner"/>'s series (a selector's, read once per evaluation) stay pairwise
    /// different without <c>__name__</c>; computed once per owner.
    /// </summary>
    public bool DistinctWithoutName(object owner, IEnumerable<MetricLabel[]> series)
    {
        if (!_distinct.TryGetValue(owner, out bool distinct))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            distinct = series.All(labels => seen.Add(Key(DropName(labels))));
            _distinct[owner] = distinct;
        }

        return distinct;
    }

    /// <summary>The labels without <c>__name__</c> (the same array when there is none).</summary>
    public MetricLabel[] DropName(MetricLabel[] labels) => Remember(_nameless, labels, PromQlLabels.DropName);

    /// <summary>The labels' string key (<see cref="PromQlLabels.Key"/>).</summary>
    public string Key(MetricLabel[] labels) => Remember(_keys, labels, PromQlLabels.Key);

    /// <summary>
    /// The labels an aggregation groups <paramref name="labels"/> under; <paramref name="owner"/> (the aggregation's node)
    /// tells apart groupings that keep different names.
    /// </summary>
    public MetricLabel[] Grouping(object owner, MetricLabel[] labels, Func<MetricLabel[], MetricLabel[]> group)
    {
        if (!_groupings.TryGetValue(owner, out var table))
        {
            table = new Dictionary<MetricLabel[], MetricLabel[]>(ReferenceEqualityComparer.Instance);
            _groupings[owner] = table;
        }

        return Remember(table, labels, group);
    }

    private static TValue Remember<TValue>(Dictionary<MetricLabel[], TValue> table, MetricLabel[] labels, Func<MetricLabel[], TValue> compute)
    {
        if (table.TryGetValue(labels, out var known))
        {
            return known;
        }

        if (table.Count >= MaxEntries)
        {
            table.Clear();
        }

        var value = compute(labels);
        table[labels] = value;
        return value;
    }
}

namespace AegisGuard.Query.LogQl;

/// <summary>One evaluated series: its labels and a value (or none) per step.</summary>
/// <param name="Labels">Label names and values, sorted by name.</param>
/// <param name="Values">Value at each step, null where the series has no point.</param>
public sealed record LogQlSeries(SortedDictionary<string, string> Labels, IReadOnlyList<double?> Values);

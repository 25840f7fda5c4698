namespace AegisGuard.Storage.Metrics;

/// <summary>
/// A label matcher of a selector, with Prometheus' meaning: regexes are fully anchored, and a label that is absent
/// has the value "" (so <c>x=""</c> matches series without <c>x</c>, and <c>x!~".+"</c> too).
/// </summary>
/// <param name="Name">Label name (<c>__name__</c> for the metric name).</param>
/// <param name="Type">How the value is compared.</param>
/// <param name="Value">The value or the regex (RE2 syntax as Prometheus accepts it).</param>
public sealed record LabelMatcher(string Name, LabelMatchType Type, string Value);

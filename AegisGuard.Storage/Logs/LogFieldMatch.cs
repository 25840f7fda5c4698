namespace AegisGuard.Storage.Logs;

/// <summary>
/// A string match on a field (<c>service="api"</c>, <c>region=~"eu-.*"</c>). A missing field compares as the
/// empty string, as a missing label does in Prometheus and Loki; regular expressions (RE2) match the whole value.
/// </summary>
/// <param name="Field">The field compared.</param>
/// <param name="Operator">Equality or a regular expression, possibly negated.</param>
/// <param name="Value">The literal or the pattern.</param>
public sealed record LogFieldMatch(LogField Field, LogMatchOperator Operator, string Value) : LogPredicate;

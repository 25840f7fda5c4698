namespace AegisGuard.Storage.Logs;

/// <summary>
/// A numeric comparison on a field (<c>status &gt;= 500</c>, <c>duration &gt; 1s</c>, <c>size &lt; 10KB</c>).
/// The field's text is converted according to <see cref="Unit"/>; a line whose field is missing or does not
/// convert never matches.
/// </summary>
/// <param name="Field">The field compared.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Value">The right-hand side in the unit's base: a number, seconds or bytes.</param>
/// <param name="Unit">How the field's text becomes a number.</param>
public sealed record LogFieldComparison(LogField Field, LogComparisonOperator Operator, double Value, LogValueUnit Unit) : LogPredicate;

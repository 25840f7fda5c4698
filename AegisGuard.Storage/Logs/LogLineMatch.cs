namespace AegisGuard.Storage.Logs;

/// <summary>A filter on the message text: substring or RE2 regular expression (found anywhere), possibly negated.</summary>
/// <param name="Operator">Substring or regular expression, possibly negated.</param>
/// <param name="Pattern">The substring or pattern.</param>
/// <param name="IgnoreCase">Compare without regard to case.</param>
public sealed record LogLineMatch(LogLineOperator Operator, string Pattern, bool IgnoreCase = false) : LogPredicate;

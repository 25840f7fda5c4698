namespace AegisGuard.Storage.Logs;

/// <summary>One condition on a log line: <see cref="LogFieldMatch"/>, <see cref="LogFieldComparison"/>,
/// <see cref="LogLineMatch"/> or a <see cref="LogPredicateGroup"/> of them.</summary>
public abstract record LogPredicate;

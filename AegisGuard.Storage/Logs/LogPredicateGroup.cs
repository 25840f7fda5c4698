namespace AegisGuard.Storage.Logs;

/// <summary>Predicates joined by <c>and</c> (<see cref="Any"/> false) or <c>or</c> (<see cref="Any"/> true).</summary>
/// <param name="Any">True: at least one must hold; false: all must hold.</param>
/// <param name="Predicates">The members, at least one.</param>
public sealed record LogPredicateGroup(bool Any, IReadOnlyList<LogPredicate> Predicates) : LogPredicate;

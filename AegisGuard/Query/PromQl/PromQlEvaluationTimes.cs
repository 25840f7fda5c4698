namespace AegisGuard.Query.PromQl;

/// <summary>
/// The times an expression is evaluated at: <see cref="FirstMs"/> + k × <see cref="StepMs"/> (a step of 0: that one
/// time). A range query's are its start and step; a subquery's inner times are multiples of its step.
/// </summary>
internal readonly record struct PromQlEvaluationTimes(long FirstMs, long StepMs);

namespace AegisGuard.Storage.Traces;

/// <summary>
/// Rate, errors and duration of one service (or operation) per step, every step of the range present. Over its entry
/// spans; when the range holds none of those, over all its spans.
/// </summary>
/// <param name="Step">Step width.</param>
/// <param name="Points">One point per step, oldest first; steps start at multiples of the step since 1970.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
/// <param name="Source"><c>raw</c> (from the spans, exact) or <c>aggregates</c> (from per-minute aggregates).</param>
/// <param name="PercentileError">The relative error the percentiles may have (0 when exact).</param>
/// <param name="From">Start of the spans counted: the request's, or widened to a whole minute from aggregates.</param>
/// <param name="To">End of the spans counted (exclusive), widened the same way.</param>
public sealed record RedSeries(
    TimeSpan Step, IReadOnlyList<RedPoint> Points, IReadOnlyList<string> Warnings, string Source, double PercentileError, DateTime From, DateTime To);

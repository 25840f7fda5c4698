namespace AegisGuard.Storage.Traces;

/// <summary>
/// Rate, errors and duration of one service (or operation) per step, every step of the range present. Over its entry
/// spans; when the range holds none of those, over all its spans.
/// </summary>
/// <param name="Step">Step width.</param>
/// <param name="Points">One point per step, oldest first; steps start at multiples of the step since 1970.</param>
/// <param name="Warnings">What the answer is missing and why.</param>
public sealed record RedSeries(TimeSpan Step, IReadOnlyList<RedPoint> Points, IReadOnlyList<string> Warnings);

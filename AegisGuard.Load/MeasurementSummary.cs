namespace AegisGuard.Load;

/// <summary>What a scenario's finishing step needs to know about the measured phase.</summary>
/// <param name="StartTimestamp">When measurement started, as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
/// <param name="EventsAccepted">Events acknowledged during the steady phase.</param>
internal sealed record MeasurementSummary(long StartTimestamp, long EventsAccepted);

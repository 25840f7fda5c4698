namespace AegisGuard.Storage.Traces;

/// <summary>One histogram bucket: durations in [lower, upper) (the last bucket includes its upper bound).</summary>
/// <param name="LowerMicros">Lower bound (µs).</param>
/// <param name="UpperMicros">Upper bound (µs).</param>
/// <param name="Count">Durations in the bucket.</param>
public sealed record DurationBucket(double LowerMicros, double UpperMicros, long Count);

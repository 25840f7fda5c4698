namespace AegisGuard.Load;

/// <summary>The figures of one finished phase.</summary>
/// <param name="StartTimestamp">Start of the phase as a <see cref="TimeProvider.GetTimestamp"/> value.</param>
/// <param name="Elapsed">From start until the last sender's last request was answered.</param>
/// <param name="Requests">Requests answered (successes and errors).</param>
/// <param name="EventsAccepted">Events the server acknowledged.</param>
/// <param name="Errors">Requests that did not end in an acknowledgement.</param>
/// <param name="ErrorsByKind">Errors by status code or failure kind.</param>
/// <param name="Latency">Ack latencies of the acknowledged requests.</param>
internal sealed record PhaseResult(
    long StartTimestamp,
    TimeSpan Elapsed,
    long Requests,
    long EventsAccepted,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    LatencySummary Latency);

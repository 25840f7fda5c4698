namespace AegisGuard.Load;

/// <summary>
/// One kind of load (log ingestion today; metrics ingestion and query latency next). The
/// <see cref="LoadRunner"/> owns everything common to all of them — readiness, senders, warm-up,
/// the clock, latency histograms, error counts, progress and the report — so a scenario only
/// builds its data up front and performs one request when asked.
/// </summary>
internal interface IScenario
{
    /// <summary>Name on the command line and in the report (e.g. <c>ingest-logs</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Builds everything the phase needs (pre-generated, signed bodies) before the runner starts the
    /// clock. Called before warm-up and again before measurement, so data timestamps stay recent.
    /// </summary>
    Task PrepareAsync(ScenarioPhase phase, CancellationToken cancellationToken);

    /// <summary>
    /// Performs one request for one sender. The runner times the call, so this must not wait for
    /// back-off itself: it returns the wait in <see cref="StepOutcome.Backoff"/>. Exceptions
    /// (timeouts, refused connections) are counted by the runner as errors.
    /// </summary>
    ValueTask<StepOutcome> ExecuteAsync(int sender, CancellationToken cancellationToken);

    /// <summary>Extra measurements after the steady phase (e.g. end-to-end visibility).</summary>
    Task<ScenarioFinish> FinishAsync(MeasurementSummary measurement, CancellationToken cancellationToken);

    /// <summary>
    /// True once a scenario with a fixed amount of work (loading a data set, N queries) has handed out all of it;
    /// the runner then ends the phase early instead of waiting for its duration. Duration-bound scenarios keep the default.
    /// </summary>
    bool IsFinished => false;
}

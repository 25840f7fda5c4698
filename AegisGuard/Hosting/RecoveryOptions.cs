namespace AegisGuard.Hosting;

/// <summary>
/// What the appliance may do when its data directory is damaged, section <c>Aegis:Recovery</c>. Everything is off by
/// default: a damaged data directory refuses to start and says what is missing, rather than start without data.
/// </summary>
public sealed class RecoveryOptions
{
    /// <summary>
    /// Start even when acknowledged batches in the ingest log that are not yet stored in Parquet are damaged or cannot
    /// be located (a missing or truncated segment, no valid commit file). The damaged range is skipped and reported as
    /// a warning on /healthz. Set it for one start after deciding the loss is acceptable, then remove it.
    /// </summary>
    public bool AcceptIngestLogDataLoss { get; set; }
}

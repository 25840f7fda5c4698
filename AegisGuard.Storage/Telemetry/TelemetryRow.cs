namespace AegisGuard.Storage.Telemetry;

/// <summary>
/// What every stored telemetry row carries besides its own fields: where it came from in the ingest log.
/// (<see cref="SourceAddress"/>, <see cref="SourceIndex"/>) is a stable, unique id of the event, used for
/// paging cursors and to prove exactly-once storage.
/// </summary>
public abstract class TelemetryRow
{
    /// <summary>Ingest log address of the batch the event arrived in.</summary>
    public long SourceAddress { get; init; }

    /// <summary>Index of the event inside its batch.</summary>
    public int SourceIndex { get; init; }
}

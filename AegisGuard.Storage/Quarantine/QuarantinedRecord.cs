namespace AegisGuard.Storage.Quarantine;

/// <summary>An ingest log record the pipeline could not store, kept with why.</summary>
public sealed record QuarantinedRecord
{
    /// <summary>Stable id: the record's ingest log address and its batch id.</summary>
    public required string Id { get; init; }

    /// <summary>The record's ingest log address when it was set aside.</summary>
    public required long Address { get; init; }

    /// <summary>The org the batch belongs to, when its header could be read.</summary>
    public int? OrgId { get; init; }

    /// <summary>logs, metrics, traces or rum, when known.</summary>
    public string? Signal { get; init; }

    /// <summary>The batch id answered with the 202, when known.</summary>
    public string? BatchId { get; init; }

    /// <summary>When the batch was accepted, when known.</summary>
    public DateTime? ReceivedAt { get; init; }

    /// <summary>Events in the batch, when known.</summary>
    public int ItemCount { get; init; }

    /// <summary>The pipeline stage that could not process it (decode, stage).</summary>
    public required string Stage { get; init; }

    /// <summary>Why, in words.</summary>
    public required string Reason { get; init; }

    /// <summary>When it was set aside.</summary>
    public required DateTime QuarantinedAt { get; init; }

    /// <summary>Size of the record.</summary>
    public required long Bytes { get; init; }

    /// <summary><c>quarantined</c>, <c>replaying</c> (sent back to the ingest log) or <c>replayed</c>.</summary>
    public required string State { get; init; }

    /// <summary>When it was sent back to the ingest log.</summary>
    public DateTime? ReplayedAt { get; init; }
}

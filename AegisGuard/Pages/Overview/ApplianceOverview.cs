namespace AegisGuard.Pages.Overview;

/// <summary>
/// The Overview page's data: the org's stored telemetry and the ingest health. The appliance-wide figures (backlog, rows
/// written, flushes, restarts, health reasons) are filled in only for an instance administrator
/// (<see cref="ApplianceWide"/>); for anyone else they are zero or empty, so a member of one org learns nothing about the
/// traffic of the others.
/// </summary>
public sealed record ApplianceOverview
{
    /// <summary>True when the appliance-wide figures below are filled in (the viewer is an instance administrator).</summary>
    public required bool ApplianceWide { get; init; }

    /// <summary>False while anything keeps the appliance from being ready (shown to everyone, without the reasons unless <see cref="ApplianceWide"/>).</summary>
    public required bool Ready { get; init; }

    public required IReadOnlyList<SignalSummary> Signals { get; init; }

    /// <summary>The last <see cref="OverviewReader.VolumeDays"/> UTC days, oldest first, including empty days.</summary>
    public required IReadOnlyList<DailyVolume> Days { get; init; }

    /// <summary>Why ingestion refuses batches (e.g. the disk is nearly full), or null when it accepts them.</summary>
    public required string? IngestUnavailable { get; init; }

    /// <summary>Bytes accepted (202) but not yet written to Parquet, for all orgs.</summary>
    public required long BacklogBytes { get; init; }

    public required long RowsWrittenSinceStart { get; init; }

    public required long FlushFailures { get; init; }

    public required long Quarantined { get; init; }

    /// <summary>What keeps the appliance from being ready (as /healthz lists it), each with its reason.</summary>
    public required IReadOnlyList<AegisGuard.Storage.Health.HealthCondition> Problems { get; init; }

    /// <summary>What a person should know while the appliance works.</summary>
    public required IReadOnlyList<AegisGuard.Storage.Health.HealthCondition> Warnings { get; init; }

    /// <summary>The org's batches that were accepted but could not be stored, waiting for a decision.</summary>
    public required IReadOnlyList<AegisGuard.Storage.Quarantine.QuarantinedRecord> QuarantinedBatches { get; init; }

    /// <summary>Times the pipeline restarted after a stage failed, since start.</summary>
    public required long PipelineRestarts { get; init; }

    public required DateTime? LastFlushAt { get; init; }

    public required string? LastFlushError { get; init; }

    public required DateTimeOffset Now { get; init; }

    public long TotalRows => Signals.Sum(s => s.Rows);

    /// <summary>Nothing stored for the org yet: the page shows how to send a first batch.</summary>
    public bool IsEmpty => TotalRows == 0;
}

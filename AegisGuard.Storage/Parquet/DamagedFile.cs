namespace AegisGuard.Storage.Parquet;

/// <summary>
/// A Parquet file that could not be read and was taken out of the file list: queries answer without its rows (with a
/// warning naming it) until it is restored and listed again (<see cref="TelemetryStore.RelistDamagedFile"/>) or the
/// loss is accepted (<see cref="TelemetryStore.AcceptDamagedFile"/>). The file itself is moved aside, never deleted.
/// </summary>
public sealed record DamagedFile
{
    /// <summary>The manifest row the file had (signal, org, day, rows, …): what queries miss while it is out.</summary>
    public required ManifestFile Listing { get; init; }

    /// <summary>Why it was taken out: "the file is missing", or what reading it said.</summary>
    public required string Reason { get; init; }

    /// <summary>Where the file was moved, relative to <c>data/quarantine/files</c>; null when there was nothing to move.</summary>
    public string? QuarantinedAs { get; init; }

    /// <summary>When it was found (UTC).</summary>
    public required DateTime DetectedAt { get; init; }

    /// <summary>When someone accepted the loss (UTC), or null while it is still to be dealt with.</summary>
    public DateTime? AcceptedAt { get; init; }

    /// <summary>Path relative to the telemetry root, as it was listed ('/' separated).</summary>
    public string Path => Listing.Path;
}

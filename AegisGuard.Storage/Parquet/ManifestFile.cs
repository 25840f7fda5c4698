using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet;

/// <summary>One row of the manifest: a Parquet file that queries may read.</summary>
public sealed record ManifestFile
{
    /// <summary>Path relative to the telemetry root, '/' separated.</summary>
    public required string Path { get; init; }

    /// <summary>The signal of the rows.</summary>
    public required Signal Signal { get; init; }

    /// <summary>The org owning every row in the file.</summary>
    public required int OrgId { get; init; }

    /// <summary>The UTC day of the rows.</summary>
    public required DateOnly Day { get; init; }

    /// <summary>Earliest event time in the file (UTC).</summary>
    public required DateTime MinTimestamp { get; init; }

    /// <summary>Latest event time in the file (UTC).</summary>
    public required DateTime MaxTimestamp { get; init; }

    /// <summary>Number of rows.</summary>
    public required long Rows { get; init; }

    /// <summary>File size in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>First ingest log address the rows came from.</summary>
    public required long FirstAddress { get; init; }

    /// <summary>Ingest log address right after the last record the rows came from.</summary>
    public required long NextAddress { get; init; }

    /// <summary>fresh (written by a flush) or compacted (merged from fresh files).</summary>
    public required string Level { get; init; }
}

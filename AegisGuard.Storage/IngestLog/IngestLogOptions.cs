namespace AegisGuard.Storage.IngestLog;

/// <summary>Sizing and safety knobs of the ingest log.</summary>
public sealed class IngestLogOptions
{
    /// <summary>log2 of the page size. A record must fit in one page: 25 = 32 MiB.</summary>
    public int PageSizeBits { get; set; } = 25;

    /// <summary>log2 of the in-memory buffer (several pages): 27 = 128 MiB.</summary>
    public int MemorySizeBits { get; set; } = 27;

    /// <summary>log2 of a segment file; truncation frees whole segments: 27 = 128 MiB.</summary>
    public int SegmentSizeBits { get; set; } = 27;

    /// <summary>Appends are refused (the API answers 503) when the disk has less free space than this.</summary>
    public long MinFreeDiskBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How long an append may wait to become durable before it is reported as failed.</summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Everything before this address is already stored elsewhere (the manifest's flushed position). Damage below it
    /// costs nothing that is not in Parquet, so opening only warns about it; damage at or above it refuses to open.
    /// </summary>
    public long StoredUntil { get; set; }

    /// <summary>
    /// Open even when acknowledged records that are not yet stored are damaged or cannot be located (a missing or
    /// truncated segment, no valid commit file): the damaged range is skipped and reported as a warning. Off by
    /// default: without it such a log refuses to open with <see cref="StartupRefusedException"/>.
    /// </summary>
    public bool AcceptDataLoss { get; set; }

    /// <summary>How many durable commit files are kept (the newest); older ones are deleted only after a newer one is durable.</summary>
    public int KeepCommits { get; set; } = 3;

    /// <summary>First wait before a failed log is reopened; doubles on each failed attempt up to <see cref="ReopenMaxDelay"/>.</summary>
    public TimeSpan ReopenDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between two attempts to reopen a failed log (or to find free space again).</summary>
    public TimeSpan ReopenMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest record the log accepts (a little less than a page).</summary>
    public int MaxRecordBytes => (1 << PageSizeBits) - 4096;

    /// <summary>Free space below which the disk counts as full, whatever <see cref="MinFreeDiskBytes"/> says.</summary>
    internal const long FullDiskBytes = 1024 * 1024;

    /// <summary>A log that failed on a full disk (or was opened on one) is reopened only once this much is free again.</summary>
    internal long ResumeFreeBytes => Math.Max(MinFreeDiskBytes, FullDiskBytes);

    /// <summary>Test hook: called with the commit number before each commit file is written; throw to simulate a failing disk.</summary>
    internal Action<long>? BeforeCommitWrite { get; set; }
}

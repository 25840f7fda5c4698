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

    /// <summary>The largest record the log accepts (a little less than a page).</summary>
    public int MaxRecordBytes => (1 << PageSizeBits) - 4096;
}

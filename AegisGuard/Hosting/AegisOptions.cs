using System.ComponentModel.DataAnnotations;

namespace AegisGuard.Hosting;

/// <summary>The appliance's configuration, section <c>Aegis</c> (appsettings.json, <c>AEGIS__…</c> environment variables).</summary>
public sealed class AegisOptions
{
    public const string Section = "Aegis";

    /// <summary>Where everything is kept. Also <c>--data</c> and <c>AEGIS_DATA_DIR</c>.</summary>
    [Required]
    public string DataDir { get; set; } = "./data";

    [Required]
    public IngestOptions Ingest { get; set; } = new();

    [Required]
    public PipelineOptions Pipeline { get; set; } = new();

    /// <summary>What may be done when the data directory is damaged (all off by default).</summary>
    [Required]
    public RecoveryOptions Recovery { get; set; } = new();

    /// <summary>Sign-in, sessions, lockout, proxies and CORS (issue #3).</summary>
    [Required]
    public AegisGuard.Identity.SecurityOptions Security { get; set; } = new();

    /// <summary>Refused-request aggregation and external audit sinks (issue #8).</summary>
    [Required]
    public AegisGuard.Audit.AuditOptions Audit { get; set; } = new();

    /// <summary>
    /// When the whole of meta.db is checked after start (<see cref="MetadataIntegrityCheck"/>): late enough not to slow
    /// start-up and the replay down (about a second of CPU per million audit rows).
    /// </summary>
    public TimeSpan MetadataCheckDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Limits of the signed ingestion API.</summary>
public sealed class IngestOptions
{
    /// <summary>Largest request body accepted as sent (compressed or not); beyond it: 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest body after gzip decompression; beyond it: 413 (protects against zip bombs).</summary>
    [Range(1024, 30 * 1024 * 1024)]
    public int MaxDecompressedBytes { get; set; } = 24 * 1024 * 1024;

    /// <summary>Events per second per org when the org sets no limit of its own.</summary>
    [Range(1, int.MaxValue)]
    public int DefaultRateLimit { get; set; } = 500_000;

    /// <summary>
    /// The smallest token bucket of an org's rate limit: an idle org may send this many events at once (at least one
    /// full batch of the largest endpoint) before its events/s limit paces it. The bucket holds max(limit, this).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MinimumBurst { get; set; } = 5_000;

    /// <summary>Oldest event timestamp accepted, as an age. Older events reject the batch with 422.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(3650);

    /// <summary>How far in the future an event timestamp may be (clock skew). Later ones reject the batch with 422.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an <c>x-idempotency-key</c> is remembered.</summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Refuse appends (503) when the data disk has less free space than this.</summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Request bodies (raw and decompressed) held in memory at once across all ingestion requests, counted before
    /// authentication; a request that would exceed it gets 503 + Retry-After instead of being read.
    /// </summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long MaxInFlightBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Accepted bytes not yet in Parquet beyond which ingestion answers 503 + Retry-After (backpressure).</summary>
    [Range(1024 * 1024, long.MaxValue)]
    public long MaxBacklogBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// How long the oldest accepted batch may wait to become queryable before ingestion answers 503 + Retry-After, so a
    /// 202 keeps meaning "queryable within seconds".
    /// </summary>
    public TimeSpan MaxBacklogAge { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>How the normalizer batches rows into Parquet files.</summary>
public sealed class PipelineOptions
{
    /// <summary>Rows become queryable at most this long after they are read from the ingest log.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Flush early when this many rows are buffered.</summary>
    [Range(1, 10_000_000)]
    public int FlushMaxRows { get; set; } = 100_000;

    /// <summary>Merge a day partition's fresh files once it has this many.</summary>
    [Range(2, 100_000)]
    public int CompactionMinFiles { get; set; } = 32;

    /// <summary>How often the compactor looks for work.</summary>
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long files replaced by compaction stay on disk for queries already reading them.</summary>
    public TimeSpan CompactionGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The pipeline counts as stalled (not ready) when accepted data waits and nothing was stored for this long.
    /// </summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(15);
}

using System.Buffers;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// A named, persistent reader of the ingest log. It sees committed records only. Its position moves on disk only
/// through <see cref="CompleteUntilAsync"/>, which the pipeline calls after the records are safely in Parquet,
/// so a crash makes it redeliver (at-least-once) rather than lose.
/// </summary>
public sealed class IngestLogReader : IDisposable
{
    private readonly IngestLog owner;
    private readonly FasterLogScanIterator iterator;
    private readonly ILogger logger;

    internal IngestLogReader(IngestLog owner, FasterLogScanIterator iterator, ILogger logger)
    {
        this.owner = owner;
        this.iterator = iterator;
        this.logger = logger;
    }

    private long lastFailedAt = -1;

    /// <summary>Records skipped because their checksum did not match (corruption on disk).</summary>
    public long CorruptRecords { get; private set; }

    /// <summary>The address the reader will read next.</summary>
    public long NextAddress => iterator.NextAddress;

    /// <summary>Everything before this address is durable in the log (what the reader may read up to).</summary>
    public long CommittedUntilAddress => owner.CommittedUntilAddress;

    /// <summary>Reads the next committed record without waiting; false when none is available yet. Dispose the entry after use.</summary>
    public bool TryRead(out IngestLogEntry entry)
    {
        while (true)
        {
            try
            {
                // Pooled: records are batches of up to megabytes; fresh arrays would churn the large-object heap.
                if (iterator.GetNext(MemoryPool<byte>.Shared, out var owner, out int length, out long address, out long next))
                {
                    entry = new IngestLogEntry(address, next, owner, length);
                    return true;
                }

                entry = default;
                return false;
            }
            catch (FasterException ex)
            {
                // A damaged record (PerEntry checksum). FASTER skips past it; count it and keep reading — unless the
                // iterator did not move, which would otherwise spin here forever.
                CorruptRecords++;
                logger.LogError(ex, "Skipped a corrupt ingest log record near address {Address}", iterator.NextAddress);
                if (iterator.NextAddress == lastFailedAt)
                {
                    throw new IngestLogUnavailableException($"the ingest log cannot be read past address {iterator.NextAddress}", ex);
                }

                lastFailedAt = iterator.NextAddress;
            }
        }
    }

    /// <summary>Waits until a record may be available; false when the log is closed.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => iterator.WaitAsync(cancellationToken);

    /// <summary>
    /// Marks everything before <paramref name="nextAddress"/> as consumed and persists that position (one commit).
    /// With <paramref name="truncate"/>, the log also drops the segments wholly before it, so disk does not grow.
    /// </summary>
    public async Task CompleteUntilAsync(long nextAddress, bool truncate, CancellationToken cancellationToken)
    {
        iterator.CompleteUntil(nextAddress);
        if (truncate)
        {
            owner.TruncateUntil(nextAddress);
        }

        await owner.CommitNowAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => iterator.Dispose();
}

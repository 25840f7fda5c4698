using System.Buffers;
using AegisGuard.Storage.Health;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// A reader of the ingest log. It sees committed records only. A named reader is persistent: its position moves on
/// disk only through <see cref="CompleteUntilAsync"/>, which the pipeline calls after the records are safely in
/// Parquet, so a crash makes it redeliver (at-least-once) rather than lose. A snapshot reader
/// (<see cref="IngestLog.OpenSnapshotReader"/>) reads a fixed range once and has no position on disk.
/// A reader belongs to one generation of the log: when that instance fails, every call throws
/// <see cref="IngestLogReopenedException"/>; dispose the reader and open a new one.
/// Not safe to dispose while another thread is inside one of its calls.
/// </summary>
public sealed class IngestLogReader : IDisposable
{
    private const string CorruptComponent = "ingest-log.corrupt";
    private readonly IngestLog owner;
    private readonly IngestLogGeneration generation;
    private readonly string? name;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private FasterLogScanIterator? iterator;
    private long lastFailedAt = -1;
    private long damagedSince = -1;
    private bool disposed;

    internal IngestLogReader(IngestLog owner, IngestLogGeneration generation, FasterLogScanIterator iterator, string? name, ILogger logger)
    {
        this.owner = owner;
        this.generation = generation;
        this.iterator = iterator;
        this.name = name;
        this.logger = logger;
    }

    /// <summary>Damaged regions skipped because a record's checksum did not match (corruption on disk); their batches are lost.</summary>
    public long CorruptRecords { get; private set; }

    /// <summary>The log generation this reader reads (see <see cref="IngestLog.Generation"/>).</summary>
    public long Generation => generation.Number;

    /// <summary>The address the reader will read next.</summary>
    public long NextAddress
    {
        get
        {
            Enter();
            try
            {
                return Iterator.NextAddress;
            }
            finally
            {
                generation.Exit();
            }
        }
    }

    /// <summary>Everything before this address is durable in the log (what the reader may read up to).</summary>
    public long CommittedUntilAddress
    {
        get
        {
            Enter();
            try
            {
                return generation.Log.CommittedUntilAddress;
            }
            finally
            {
                generation.Exit();
            }
        }
    }

    internal bool IsSnapshot => name is null;

    internal long RawNextAddress => iterator?.NextAddress ?? long.MaxValue;

    /// <summary>Reads the next committed record without waiting; false when none is available yet. Dispose the entry after use.</summary>
    public bool TryRead(out IngestLogEntry entry)
    {
        Enter();
        try
        {
            lock (gate)
            {
                var reading = Iterator;
                while (true)
                {
                    try
                    {
                        // Pooled: records are batches of up to megabytes; fresh arrays would churn the large-object heap.
                        if (reading.GetNext(MemoryPool<byte>.Shared, out var memory, out int length, out long address, out long next))
                        {
                            EndOfDamage(address);
                            entry = new IngestLogEntry(address, next, memory, length);
                            return true;
                        }

                        entry = default;
                        return false;
                    }
                    catch (FasterException ex)
                    {
                        // A damaged record (PerEntry checksum) or a zeroed page. FASTER has moved past it; keep reading —
                        // unless it did not move, which would otherwise spin here forever.
                        Damaged(reading.NextAddress, ex);
                        if (reading.NextAddress == lastFailedAt)
                        {
                            throw new IngestLogUnavailableException($"the ingest log cannot be read past address {reading.NextAddress}", ex);
                        }

                        lastFailedAt = reading.NextAddress;
                    }
                }
            }
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>
    /// Waits until a record may be available; false when the reader has reached its end (a snapshot) or the log is
    /// closed. Throws <see cref="IngestLogReopenedException"/> as soon as the log instance fails.
    /// </summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        Enter();
        try
        {
            var reading = Iterator;
            if (reading.NextAddress >= reading.EndAddress)
            {
                return false; // a snapshot at its end
            }

            if (reading.NextAddress < generation.Log.CommittedUntilAddress)
            {
                return true;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, generation.FaultToken);
            try
            {
                return await reading.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw Reopened();
            }
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>
    /// Marks everything before <paramref name="nextAddress"/> as consumed and persists that position (one commit).
    /// With <paramref name="truncate"/>, the log also drops the segments wholly before it, so disk does not grow.
    /// </summary>
    public async Task CompleteUntilAsync(long nextAddress, bool truncate, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            throw new InvalidOperationException("a snapshot reader has no position to complete");
        }

        Task commit;
        Enter();
        try
        {
            Iterator.CompleteUntil(nextAddress);
            if (truncate)
            {
                owner.TruncateUntil(generation, nextAddress);
            }

            commit = generation.CommitNowAsync(cancellationToken);
        }
        finally
        {
            generation.Exit();
        }

        try
        {
            await commit;
        }
        catch (IngestLogUnavailableException ex) when (ex is not IngestLogReopenedException)
        {
            throw new IngestLogReopenedException(ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (generation.TryEnter())
        {
            try
            {
                ReleaseIterator();
            }
            finally
            {
                generation.Exit();
            }
        }
        else
        {
            // The generation failed: its retirement closes the iterator once nothing is inside it.
            lock (gate)
            {
                disposed = true;
            }
        }

        generation.Detach(this);
    }

    /// <summary>Closes the FASTER iterator (by <see cref="Dispose"/>, or by the generation's retirement).</summary>
    internal void ReleaseIterator()
    {
        lock (gate)
        {
            disposed = true;
            iterator?.Dispose();
            iterator = null;
        }
    }

    private FasterLogScanIterator Iterator => iterator ?? throw (disposed && !generation.IsFaulted
        ? new ObjectDisposedException(nameof(IngestLogReader))
        : Reopened());

    private void Enter()
    {
        if (!generation.TryEnter())
        {
            throw Reopened();
        }
    }

    private IngestLogReopenedException Reopened() =>
        new($"the ingest log instance this reader belongs to (generation {generation.Number}) failed and is replaced: {generation.FaultReason}; " +
            "dispose the reader and open a new one");

    private void Damaged(long address, FasterException ex)
    {
        foreach (var (from, to) in generation.Lost)
        {
            if (address >= from && address <= to)
            {
                logger.LogDebug("Skipped ingest log address {Address} in a range already reported as lost", address);
                return;
            }
        }

        if (damagedSince >= 0)
        {
            return; // one damaged region makes FASTER throw at every header-sized step through it; count it once
        }

        damagedSince = address;
        CorruptRecords++;
        logger.LogError(ex, "Skipped a damaged ingest log record near address {Address}; the batch it held is lost", address);
        owner.Health.Report(CorruptComponent, HealthImpact.Warning,
            $"{CorruptRecords} damaged ingest log record(s) failed their checksum and were skipped, the last near address {address}: " +
            "the batches they held are lost. Check the data disk for errors; restore data/ingest from a backup if those batches matter");
    }

    private void EndOfDamage(long address)
    {
        if (damagedSince >= 0)
        {
            logger.LogWarning("The damaged ingest log region [{From}, {To}) was skipped", damagedSince, address);
            damagedSince = -1;
        }
    }
}

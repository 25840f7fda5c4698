namespace AegisGuard.Pipeline;

/// <summary>Counters of the normalizer, for /healthz and tests. Written by the pipeline, read by anyone.</summary>
public sealed class PipelineStatus
{
    private long batchesRead;
    private long rowsWritten;
    private long filesWritten;
    private long flushes;
    private long flushFailures;
    private long quarantined;
    private long flushedUntil;
    private long readerAddress;
    private long startTail;
    private long restarts;
    private long handedBatches;
    private long storedBatches;
    private readonly Lock idleLock = new();
    private long idleAt;
    private long idleHanded = long.MaxValue;

    public long BatchesRead => Interlocked.Read(ref batchesRead);

    public long RowsWritten => Interlocked.Read(ref rowsWritten);

    public long FilesWritten => Interlocked.Read(ref filesWritten);

    public long Flushes => Interlocked.Read(ref flushes);

    public long FlushFailures => Interlocked.Read(ref flushFailures);

    /// <summary>Records that could not be decoded and were set aside in data/ingest/quarantine.</summary>
    public long Quarantined => Interlocked.Read(ref quarantined);

    /// <summary>Every ingest log record before this address is queryable.</summary>
    public long FlushedUntil => Interlocked.Read(ref flushedUntil);

    /// <summary>The address the normalizer's log reader reads next.</summary>
    public long ReaderAddress => Interlocked.Read(ref readerAddress);

    public string? LastError { get; private set; }

    /// <summary>
    /// Everything the ingest log holds before this address is stored: <see cref="FlushedUntil"/>, or further when the
    /// reader has read everything up to where it idles and every batch it handed on was stored (the log may hold no
    /// records at all between the last flushed one and its end: page padding, a range skipped as damaged).
    /// </summary>
    public long StoredUntil
    {
        get
        {
            long flushed = FlushedUntil;
            lock (idleLock)
            {
                return Interlocked.Read(ref storedBatches) >= idleHanded ? Math.Max(flushed, idleAt) : flushed;
            }
        }
    }

    /// <summary>The committed end of the ingest log when the pipeline started: the backlog left by the previous run.</summary>
    public long StartTail => Interlocked.Read(ref startTail);

    /// <summary>Times the pipeline was restarted after a stage failed.</summary>
    public long Restarts => Interlocked.Read(ref restarts);

    /// <summary>The stage that failed last and why (null while none has).</summary>
    public string? LastStageFailure { get; private set; }

    /// <summary>When <see cref="FlushedUntil"/> last moved (start-up counts as a move).</summary>
    public DateTime? ProgressAt { get; private set; }

    public DateTime? LastFlushAt { get; private set; }

    internal void BatchRead() => Interlocked.Increment(ref batchesRead);

    internal void ReaderAt(long address) => Interlocked.Exchange(ref readerAddress, address);

    internal void ReaderFailed(string error) => LastError = error;

    internal void Quarantine() => Interlocked.Increment(ref quarantined);

    internal void Flushed(int rows, int files, long until, DateTime at)
    {
        Interlocked.Add(ref rowsWritten, rows);
        Interlocked.Add(ref filesWritten, files);
        Interlocked.Increment(ref flushes);
        if (until > Interlocked.Exchange(ref flushedUntil, until))
        {
            ProgressAt = at;
        }

        LastFlushAt = at;
        LastError = null;
    }

    /// <summary>The read stage passed a record on to the pipeline.</summary>
    internal void Handed() => Interlocked.Increment(ref handedBatches);

    /// <summary>The read stage has read everything before <paramref name="address"/> and waits for more.</summary>
    internal void ReaderIdle(long address)
    {
        lock (idleLock)
        {
            idleAt = address;
            idleHanded = Interlocked.Read(ref handedBatches);
        }
    }

    /// <summary>A flush stored <paramref name="batches"/> records' worth (including records with no rows).</summary>
    internal void StoredRecords(int batches) => Interlocked.Add(ref storedBatches, batches);

    /// <summary>The pipeline starts over (a restart): what was handed on but not stored is read again.</summary>
    internal void ResetProgressCounts()
    {
        lock (idleLock)
        {
            Interlocked.Exchange(ref handedBatches, 0);
            Interlocked.Exchange(ref storedBatches, 0);
            idleAt = 0;
            idleHanded = long.MaxValue;
        }
    }

    internal void StageFailed(string stage, string reason)
    {
        Interlocked.Increment(ref restarts);
        LastStageFailure = $"{stage}: {reason}";
    }

    internal void FlushFailed(string error)
    {
        Interlocked.Increment(ref flushFailures);
        LastError = error;
    }

    internal void Started(long until, long tail, DateTime at)
    {
        Interlocked.Exchange(ref flushedUntil, until);
        Interlocked.Exchange(ref startTail, tail);
        ProgressAt = at;
    }
}

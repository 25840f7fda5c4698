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

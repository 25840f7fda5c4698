using System.Threading.Channels;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// One open FasterLog instance (its device, commit store and commit loop). A failed instance cannot be repaired in
/// place — FASTER keeps a data-page write error as a "canned" exception that every later append and commit throws —
/// so <see cref="IngestLog"/> replaces it by a new generation recovered from the last durable commit. Every use of the
/// instance (an append, a reader call) enters and exits it; once faulted nothing new enters, and
/// <see cref="RetireAsync"/> disposes it only after every call inside has left, so nothing touches freed memory.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification =
    "The fault token source is cancelled asynchronously while waits may still observe it; it owns no timer, so the GC reclaims it safely.")]
internal sealed class IngestLogGeneration
{
    private readonly IDevice device;
    private readonly CancellationTokenSource faulted = new();
    private readonly Channel<bool> commitRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly Lock forcedLock = new();
    private readonly Lock readersLock = new();
    private readonly List<IngestLogReader> readers = [];
    private readonly Dictionary<string, FasterLogScanIterator> parked = new(StringComparer.Ordinal);
    private readonly TimeSpan commitTimeout;
    private readonly ILogger logger;
    private readonly Action<IngestLogGeneration, string, Exception?> onFault;
    private readonly Func<Exception, string> describe;
    private List<TaskCompletionSource> forcedCommits = [];
    private Task commitLoop = Task.CompletedTask;
    private Task? retiring;
    private int inFlight;
    private int faultedFlag;
    private volatile string? faultReason;

    public IngestLogGeneration(long number, FasterLog log, IDevice device, IngestLogCommitStore commits, IReadOnlyList<(long From, long To)> lost,
        TimeSpan commitTimeout, ILogger logger, Action<IngestLogGeneration, string, Exception?> onFault, Func<Exception, string> describe)
    {
        Number = number;
        Log = log;
        this.device = device;
        Commits = commits;
        Lost = lost;
        this.commitTimeout = commitTimeout;
        this.logger = logger;
        this.onFault = onFault;
        this.describe = describe;
        RecoveredUntil = log.CommittedUntilAddress;
    }

    public long Number { get; }

    public FasterLog Log { get; }

    public IngestLogCommitStore Commits { get; }

    /// <summary>Everything before this address was durable when this generation was recovered.</summary>
    public long RecoveredUntil { get; }

    /// <summary>Address ranges known to be lost at open (read errors there are expected).</summary>
    public IReadOnlyList<(long From, long To)> Lost { get; }

    /// <summary>Cancelled when the generation faults: every wait inside it ends at once.</summary>
    public CancellationToken FaultToken => faulted.Token;

    public bool IsFaulted => Volatile.Read(ref faultedFlag) != 0;

    public string? FaultReason => faultReason;

    public void Start() => commitLoop = Task.Run(CommitLoopAsync);

    /// <summary>Enters the instance; false once it has faulted. Every true must be paired with <see cref="Exit"/>.</summary>
    public bool TryEnter()
    {
        // Dekker with Fault(): increment, then look at the flag; Fault sets the flag, then looks at the count. Both are
        // full fences, so either the caller sees the fault or the retirement sees the caller.
        Interlocked.Increment(ref inFlight);
        if (Volatile.Read(ref faultedFlag) != 0)
        {
            Interlocked.Decrement(ref inFlight);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref inFlight);

    /// <summary>Marks the generation failed (first reason wins) and wakes every wait inside it. True the first time.</summary>
    public bool Fault(string reason)
    {
        if (Interlocked.Exchange(ref faultedFlag, 1) != 0)
        {
            return false;
        }

        faultReason = reason;
        // Not Cancel(): it would run waiters' continuations on this thread, which may be FASTER's commit worker.
        _ = faulted.CancelAsync();
        return true;
    }

    public void RequestCommit() => commitRequests.Writer.TryWrite(true);

    /// <summary>A commit even when nothing was appended (to persist reader positions and truncation).</summary>
    public Task CommitNowAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (forcedLock)
        {
            if (IsFaulted)
            {
                done.TrySetException(new IngestLogReopenedException($"the ingest log is reopening: {faultReason}"));
                return done.Task;
            }

            forcedCommits.Add(done);
        }

        RequestCommit();
        return done.Task.WaitAsync(cancellationToken);
    }

    public void Attach(IngestLogReader reader)
    {
        lock (readersLock)
        {
            readers.Add(reader);
        }
    }

    public void Detach(IngestLogReader reader)
    {
        lock (readersLock)
        {
            readers.Remove(reader);
        }
    }

    /// <summary>The lowest position of an open snapshot reader: the log must not be truncated past it.</summary>
    public long SnapshotFloor()
    {
        lock (readersLock)
        {
            long floor = long.MaxValue;
            foreach (var reader in readers)
            {
                if (reader.IsSnapshot)
                {
                    floor = Math.Min(floor, reader.RawNextAddress);
                }
            }

            return floor;
        }
    }

    /// <summary>Keeps a recovered named iterator open until a reader claims it, so commits keep persisting its position.</summary>
    public void Park(string name, FasterLogScanIterator iterator)
    {
        lock (readersLock)
        {
            parked[name] = iterator;
        }
    }

    public FasterLogScanIterator? TakeParked(string name)
    {
        lock (readersLock)
        {
            return parked.Remove(name, out var iterator) ? iterator : null;
        }
    }

    /// <summary>
    /// Faults the generation (if it has not yet), waits until every call inside has left, stops the commit loop, closes
    /// the readers' iterators and disposes FASTER and the device. Idempotent: later calls wait for the first.
    /// </summary>
    public Task RetireAsync(string reason)
    {
        Fault(reason);
        lock (readersLock)
        {
            retiring ??= RetireCoreAsync();
            return retiring;
        }
    }

    private async Task RetireCoreAsync()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool warned = false;
        while (Volatile.Read(ref inFlight) > 0)
        {
            if (!warned && waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                // A read or write the disk never answers: disposing now would free memory it still uses. Keep waiting.
                logger.LogWarning("Ingest log generation {Generation}: {Calls} call(s) still inside after {Seconds} s; waiting for them before closing it",
                    Number, Volatile.Read(ref inFlight), (int)waited.Elapsed.TotalSeconds);
                warned = true;
            }

            await Task.Delay(5);
        }

        try
        {
            await commitLoop;
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Ingest log commit loop ended with an error");
        }

        List<IngestLogReader> open;
        lock (readersLock)
        {
            open = [.. readers];
            foreach (var iterator in parked.Values)
            {
                iterator.Dispose();
            }

            parked.Clear();
        }

        foreach (var reader in open)
        {
            reader.ReleaseIterator();
        }

        Log.Dispose();
        // The device waits for writes still in flight; a hung disk makes this wait, which is what it should do.
        var closing = Task.Run(device.Dispose);
        if (await Task.WhenAny(closing, Task.Delay(TimeSpan.FromSeconds(10))) != closing)
        {
            logger.LogWarning("Ingest log generation {Generation}: the device has writes in flight that do not complete; waiting", Number);
        }

        await closing;
        Commits.Dispose();
    }

    private async Task CommitLoopAsync()
    {
        var token = faulted.Token;
        try
        {
            while (await commitRequests.Reader.WaitToReadAsync(token))
            {
                commitRequests.Reader.TryRead(out _);
                List<TaskCompletionSource> waiters;
                lock (forcedLock)
                {
                    waiters = forcedCommits;
                    forcedCommits = [];
                }

                try
                {
                    do
                    {
                        // A commit that never completes is a fault too (a device that stopped answering).
                        await Log.CommitAsync(token).AsTask().WaitAsync(commitTimeout, token);
                    }
                    while (Log.TailAddress > Log.CommittedUntilAddress);

                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetResult();
                    }
                }
                catch (Exception ex)
                {
                    string reason = ex switch
                    {
                        OperationCanceledException when token.IsCancellationRequested => faultReason ?? "the ingest log was closed",
                        TimeoutException => $"an ingest log commit did not complete within {commitTimeout.TotalSeconds:0.#} s (the disk does not answer); " +
                            "ingestion answers 503 while the log reopens itself from its last durable commit",
                        _ => describe(ex),
                    };
                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetException(new IngestLogReopenedException($"the ingest log is reopening: {reason}", ex));
                    }

                    if (!token.IsCancellationRequested)
                    {
                        onFault(this, reason, ex);
                    }

                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            lock (forcedLock)
            {
                foreach (var waiter in forcedCommits)
                {
                    waiter.TrySetException(new IngestLogReopenedException($"the ingest log is reopening: {faultReason}"));
                }

                forcedCommits = [];
            }
        }
    }
}

using System.Threading.Channels;
using AegisGuard.Storage.Health;
using FASTER.core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// The durable ingest queue: a FASTER log with group commit. <see cref="AppendAsync"/> returns only once the
/// record is on disk, so an HTTP 202 can be sent. One background loop issues every commit (FASTER's
/// AutoCommit hung in tests here); appenders and the reader only ask it for one.
/// This is the only type that knows about FASTER, so the log can be swapped (e.g. for Garnet's TsavoriteLog).
/// </summary>
public sealed partial class IngestLog : IAsyncDisposable
{
    private readonly FasterLog log;
    private readonly IDevice device;
    private readonly IngestLogOptions options;
    private readonly ILogger logger;
    private readonly string directory;
    private readonly Channel<bool> commitRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly Task commitLoop;
    private readonly Lock forcedLock = new();
    private List<TaskCompletionSource> forcedCommits = [];
    private long diskCheckedAt;
    private bool diskLow;
    private volatile string? lastCommitError;

    private IngestLog(string directory, IngestLogOptions options, ILogger logger, HealthConditions health)
    {
        this.directory = directory;
        this.options = options;
        this.logger = logger;
        Health = health;
        Directory.CreateDirectory(directory);
        device = Devices.CreateLogDevice(Path.Combine(directory, "ingest.log"), preallocateFile: false);
        var settings = new FasterLogSettings
        {
            LogDevice = device,
            LogCommitDir = directory,
            PageSizeBits = options.PageSizeBits,
            MemorySizeBits = options.MemorySizeBits,
            SegmentSizeBits = options.SegmentSizeBits,
            // A flipped data byte then fails its own record instead of returning garbage.
            LogChecksum = LogChecksumType.PerEntry,
            RemoveOutdatedCommits = true,
            // The constructor's automatic recovery swallows exceptions; recover explicitly below.
            TryRecoverLatest = false,
        };
        log = new FasterLog(settings, logger);
        log.Recover();
        commitLoop = Task.Run(() => CommitLoopAsync(stopping.Token));
    }

    /// <summary>Opens (and recovers) the log in <paramref name="directory"/>, creating it when empty.</summary>
    public static IngestLog Open(string directory, IngestLogOptions? options = null, ILogger? logger = null, HealthConditions? health = null) =>
        new(directory, options ?? new IngestLogOptions(), logger ?? NullLogger.Instance, health ?? new HealthConditions());

    /// <summary>Where the log reports conditions that affect readiness (disk full, commit failures).</summary>
    public HealthConditions Health { get; }

    /// <summary>Address of the first record still kept on disk.</summary>
    public long BeginAddress => log.BeginAddress;

    /// <summary>Address after the last record appended (durable or not).</summary>
    public long TailAddress => log.TailAddress;

    /// <summary>Everything before this address is durable.</summary>
    public long CommittedUntilAddress => log.CommittedUntilAddress;

    /// <summary>The largest record accepted by <see cref="AppendAsync"/>.</summary>
    public int MaxRecordBytes => options.MaxRecordBytes;

    /// <summary>Why the log cannot take writes right now, or null when it can.</summary>
    public string? UnavailableReason
    {
        get
        {
            if (IsDiskLow())
            {
                return $"less than {options.MinFreeDiskBytes / (1024 * 1024)} MiB free on the data disk";
            }

            return lastCommitError;
        }
    }

    /// <summary>
    /// Appends one record and waits until it is durable. Returns its address.
    /// Throws <see cref="IngestLogUnavailableException"/> when the record cannot be made durable.
    /// </summary>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        if (record.Length > options.MaxRecordBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(record), record.Length, $"a record may hold at most {options.MaxRecordBytes} bytes");
        }

        if (IsDiskLow())
        {
            throw new IngestLogUnavailableException(UnavailableReason ?? "disk full");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CommitTimeout);
        long address = -1;
        try
        {
            address = await log.EnqueueAsync(record, timeout.Token);
            commitRequests.Writer.TryWrite(true);
            await log.WaitForCommitAsync(address + 1, token: timeout.Token);
            return address;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string reason = $"the ingest log did not commit within {options.CommitTimeout.TotalSeconds:0.#} s" +
                (lastCommitError is null ? string.Empty : $": {lastCommitError}");
            throw address < 0 ? new IngestLogUnavailableException(reason) : new IngestLogCommitTimeoutException(reason, address);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IngestLogUnavailableException)
        {
            throw new IngestLogUnavailableException("the ingest log failed to write", ex);
        }
    }

    /// <summary>Opens the named persistent reader; it resumes after the last position it committed.</summary>
    public IngestLogReader OpenReader(string name)
    {
        if (name.Length > 20)
        {
            throw new ArgumentException("FASTER iterator names are limited to 20 characters", nameof(name));
        }

        var iterator = log.Scan(log.BeginAddress, long.MaxValue, name, recover: true);
        return new IngestLogReader(this, iterator, logger);
    }

    /// <summary>Moves the begin address to <paramref name="address"/> (a record start); persisted by the next commit.</summary>
    internal void TruncateUntil(long address)
    {
        if (address > log.BeginAddress)
        {
            log.TruncateUntil(address);
        }
    }

    /// <summary>Asks the commit loop for a commit even if no record was appended (to persist reader positions).</summary>
    internal Task CommitNowAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (forcedLock)
        {
            forcedCommits.Add(done);
        }

        commitRequests.Writer.TryWrite(true);
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task CommitLoopAsync(CancellationToken stop)
    {
        try
        {
            while (await commitRequests.Reader.WaitToReadAsync(stop))
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
                        await log.CommitAsync(stop);
                    }
                    while (log.TailAddress > log.CommittedUntilAddress);

                    lastCommitError = null;
                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetResult();
                    }
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    lastCommitError = ex.Message;
                    logger.LogError(ex, "Ingest log commit failed");
                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetException(new IngestLogUnavailableException("ingest log commit failed", ex));
                    }

                    // Try again shortly: appenders are waiting for durability (or for their timeout).
                    await Task.Delay(100, stop);
                    commitRequests.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private bool IsDiskLow()
    {
        long now = Environment.TickCount64;
        if (now - Volatile.Read(ref diskCheckedAt) > 1000)
        {
            try
            {
                diskLow = new DriveInfo(directory).AvailableFreeSpace < options.MinFreeDiskBytes;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                diskLow = false;
            }

            Volatile.Write(ref diskCheckedAt, now);
        }

        return diskLow;
    }

    /// <summary>
    /// Stops the commit loop and closes the files. No final commit: every append and every reader completion was
    /// committed when it returned, and a commit made after a reader is disposed would persist the log WITHOUT
    /// that reader's position (FASTER forgets disposed iterators), making it start over at the next open.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await commitLoop;
        }
        catch (OperationCanceledException)
        {
        }

        log.Dispose();
        device.Dispose();
        stopping.Dispose();
    }
}

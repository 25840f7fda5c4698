using AegisGuard.Storage.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// The durable ingest queue: a FASTER log with group commit. <see cref="AppendAsync"/> returns only once the
/// record is on disk, so an HTTP 202 can be sent. One background loop issues every commit (FASTER's
/// AutoCommit hung in tests here); appenders and the reader only ask it for one. Commits are written by
/// <see cref="IngestLogCommitStore"/> (temp file, fsync, rename, SHA-256; the previous ones kept until a newer one is
/// durable). When the log fails (a full disk, a device error, a commit that does not complete) it reports
/// <c>ingest-log</c> as not ready, refuses appends at once, and reopens itself from its last durable commit once the
/// disk has room again (a new <see cref="Generation"/>). Opening checks the files first and refuses
/// (<see cref="StartupRefusedException"/>) rather than start without acknowledged batches.
/// This is the only type that knows about FASTER, so the log can be swapped (e.g. for Garnet's TsavoriteLog).
/// </summary>
public sealed partial class IngestLog : IAsyncDisposable
{
    private const string Component = "ingest-log";
    private const string RecoveryComponent = "ingest-log.recovery";
    private readonly IngestLogOptions options;
    private readonly ILogger logger;
    private readonly string directory;
    private readonly IngestLogSegments segments;
    private readonly TimeProvider time;
    private readonly Lock generationsLock = new();
    private readonly Dictionary<long, long> recoveredUntil = [];
    private IngestLogGeneration current;
    private long diskCheckedAt;
    private bool diskLow;

    private IngestLog(string directory, IngestLogOptions options, ILogger logger, HealthConditions health, TimeProvider time)
    {
        this.directory = Path.GetFullPath(directory);
        this.options = options;
        this.logger = logger;
        this.time = time;
        Health = health;
        Directory.CreateDirectory(this.directory);
        segments = new IngestLogSegments(this.directory, options.PageSizeBits, options.SegmentSizeBits);
        current = OpenGeneration(1);
        reopenLoop = Task.Run(ReopenLoopAsync);
    }

    /// <summary>
    /// Opens (and recovers) the log in <paramref name="directory"/>, creating it when empty. Throws
    /// <see cref="StartupRefusedException"/> when acknowledged records not yet stored (before
    /// <see cref="IngestLogOptions.StoredUntil"/>) are damaged or cannot be located, unless
    /// <see cref="IngestLogOptions.AcceptDataLoss"/> is set. A full disk is not a refusal: the log opens, reports it
    /// and takes writes once there is room.
    /// </summary>
    public static IngestLog Open(string directory, IngestLogOptions? options = null, ILogger? logger = null, HealthConditions? health = null) =>
        new(directory, options ?? new IngestLogOptions(), logger ?? NullLogger.Instance, health ?? new HealthConditions(), TimeProvider.System);

    /// <summary>Where the log reports conditions that affect readiness (disk full, commit failures, damage found at open).</summary>
    public HealthConditions Health { get; }

    /// <summary>
    /// Which instance of the log is open: 1 at open, +1 each time the log reopened itself after a failure. Records
    /// appended in an older generation are durable iff their address is below the committed address the next
    /// generation recovered (see <see cref="IsDurable"/>).
    /// </summary>
    public long Generation => Volatile.Read(ref current).Number;

    /// <summary>Address of the first record still kept on disk.</summary>
    public long BeginAddress => Volatile.Read(ref current).Log.BeginAddress;

    /// <summary>Address after the last record appended (durable or not).</summary>
    public long TailAddress => Volatile.Read(ref current).Log.TailAddress;

    /// <summary>Everything before this address is durable.</summary>
    public long CommittedUntilAddress => Volatile.Read(ref current).Log.CommittedUntilAddress;

    /// <summary>The largest record accepted by <see cref="AppendAsync"/>.</summary>
    public int MaxRecordBytes => options.MaxRecordBytes;

    /// <summary>Why the log cannot take writes right now, or null when it can.</summary>
    public string? UnavailableReason
    {
        get
        {
            var generation = Volatile.Read(ref current);
            if (generation.IsFaulted)
            {
                return generation.FaultReason;
            }

            return IsDiskLow()
                ? $"less than {IngestLogFaults.Bytes(options.MinFreeDiskBytes)} free on the data disk ({IngestLogFaults.Bytes(IngestLogFaults.FreeBytes(directory))} free in {directory}); " +
                  "ingestion answers 503 until space is freed: free space, grow the disk, or lower Aegis:Ingest:MinFreeDiskBytes"
                : null;
        }
    }

    /// <summary>
    /// Whether the record appended at <paramref name="address"/> in <paramref name="generation"/> is durable: true or
    /// false once that is decided, null while it may still become durable (same generation, not yet committed).
    /// </summary>
    public bool? IsDurable(long generation, long address)
    {
        var open = Volatile.Read(ref current);
        if (generation == open.Number)
        {
            return address < open.Log.CommittedUntilAddress ? true : null;
        }

        lock (generationsLock)
        {
            return recoveredUntil.TryGetValue(generation + 1, out long until) ? address < until : null;
        }
    }

    /// <summary>
    /// Appends one record and waits until it is durable. Returns its address.
    /// Throws <see cref="IngestLogUnavailableException"/> when the record cannot be made durable; when it was enqueued,
    /// the exception carries its generation and address.
    /// </summary>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        if (record.Length > options.MaxRecordBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(record), record.Length, $"a record may hold at most {options.MaxRecordBytes} bytes");
        }

        var generation = Volatile.Read(ref current);
        if (!generation.TryEnter())
        {
            throw new IngestLogUnavailableException(generation.FaultReason ?? "the ingest log is reopening");
        }

        long address = -1;
        try
        {
            if (IsDiskLow())
            {
                throw new IngestLogUnavailableException(UnavailableReason ?? "disk full");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, generation.FaultToken);
            timeout.CancelAfter(options.CommitTimeout);
            address = await generation.Log.EnqueueAsync(record, timeout.Token);
            generation.RequestCommit();
            await generation.Log.WaitForCommitAsync(address + 1, token: timeout.Token);
            return address;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            string reason = generation.IsFaulted
                ? generation.FaultReason ?? "the ingest log failed"
                : $"the ingest log did not commit within {options.CommitTimeout.TotalSeconds:0.#} s";
            throw address < 0
                ? new IngestLogUnavailableException(reason)
                : new IngestLogUnavailableException(reason, generation.Number, address);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not IngestLogUnavailableException and not ArgumentException)
        {
            // FASTER's canned exception after a failed segment write, or anything else from inside it: the instance is done.
            string reason = IngestLogFaults.Describe(ex, "writing a segment file", directory, options.ResumeFreeBytes);
            OnFault(generation, reason, ex);
            throw address < 0
                ? new IngestLogUnavailableException(reason, ex)
                : new IngestLogUnavailableException(reason, generation.Number, address, ex);
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>
    /// Opens the named persistent reader; it resumes after the last position it committed. Throws
    /// <see cref="IngestLogUnavailableException"/> while the log is reopening after a failure (try again shortly).
    /// </summary>
    public IngestLogReader OpenReader(string name)
    {
        if (name.Length > 20)
        {
            throw new ArgumentException("FASTER iterator names are limited to 20 characters", nameof(name));
        }

        var generation = Enter();
        try
        {
            var iterator = generation.TakeParked(name);
            if (iterator is null)
            {
                iterator = generation.Log.Scan(generation.Log.BeginAddress, long.MaxValue, name, recover: true);
                // FASTER persists a new iterator's position as 0 until it completes something: start from where it resumes.
                iterator.CompleteUntil(iterator.NextAddress);
            }

            var reader = new IngestLogReader(this, generation, iterator, name, logger);
            generation.Attach(reader);
            return reader;
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>
    /// A reader of the committed records from <paramref name="from"/> (clamped to <see cref="BeginAddress"/>) up to the
    /// committed tail at the time of the call, for rebuilding in-memory state at start-up. It has no position on disk,
    /// does not move any other reader, and the log is not truncated past it while it is open. Dispose it when done.
    /// </summary>
    public IngestLogReader OpenSnapshotReader(long from)
    {
        var generation = Enter();
        try
        {
            long start = Math.Max(from, generation.Log.BeginAddress);
            long end = generation.Log.CommittedUntilAddress;
            var iterator = generation.Log.Scan(start, Math.Max(start, end), name: null, recover: false);
            var reader = new IngestLogReader(this, generation, iterator, name: null, logger);
            generation.Attach(reader);
            return reader;
        }
        finally
        {
            generation.Exit();
        }
    }

    /// <summary>Moves the begin address to <paramref name="address"/> (a record start); persisted by the next commit.</summary>
    internal void TruncateUntil(IngestLogGeneration generation, long address)
    {
        address = Math.Min(address, generation.SnapshotFloor());
        if (address > generation.Log.BeginAddress && address != long.MaxValue)
        {
            generation.Log.TruncateUntil(address);
        }
    }

    private IngestLogGeneration Enter()
    {
        var generation = Volatile.Read(ref current);
        if (!generation.TryEnter())
        {
            throw new IngestLogUnavailableException($"the ingest log is reopening after a failure: {generation.FaultReason}");
        }

        return generation;
    }

    private bool IsDiskLow()
    {
        if (options.MinFreeDiskBytes <= 0)
        {
            return false;
        }

        long now = Environment.TickCount64;
        if (now - Volatile.Read(ref diskCheckedAt) > 1000)
        {
            diskLow = IngestLogFaults.FreeBytes(directory) < options.MinFreeDiskBytes;
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
        reopenSignal.Release();
        try
        {
            await reopenLoop;
        }
        catch (OperationCanceledException)
        {
        }

        await Volatile.Read(ref current).RetireAsync("the ingest log is closed");
        stopping.Dispose();
        reopenSignal.Dispose();
    }
}

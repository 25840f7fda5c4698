namespace AegisGuard.Storage.IngestLog;

public sealed partial class IngestLog
{
    /// <summary>
    /// A reader of the committed records from <paramref name="from"/> (clamped to <see cref="BeginAddress"/>) up to the
    /// committed tail at the time of the call, with no persisted position: for rebuilding in-memory state at start-up.
    /// It does not affect truncation or any named reader. Dispose it after use.
    /// </summary>
    public IngestLogReader OpenSnapshotReader(long from)
    {
        long start = Math.Max(from, log.BeginAddress);
        long end = Math.Max(start, log.CommittedUntilAddress);
        var iterator = log.Scan(start, end);
        return new IngestLogReader(this, iterator, logger);
    }

    /// <summary>True when the record at <paramref name="address"/> is durable (covered by a completed commit).</summary>
    public bool IsDurable(long address) => log.CommittedUntilAddress > address;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the record at <paramref name="address"/> to become durable; false when it
    /// did not (yet).
    /// </summary>
    public async Task<bool> WaitUntilDurableAsync(long address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsDurable(address))
        {
            return true;
        }

        commitRequests.Writer.TryWrite(true);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await log.WaitForCommitAsync(address + 1, token: wait.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return IsDurable(address);
        }
    }
}

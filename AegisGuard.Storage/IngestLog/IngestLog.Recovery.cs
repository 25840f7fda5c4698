using AegisGuard.Storage.Health;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.IngestLog;

/// <summary>Opening a generation from the files on disk, and replacing a failed one.</summary>
public sealed partial class IngestLog
{
    private readonly CancellationTokenSource stopping = new();
    private readonly SemaphoreSlim reopenSignal = new(0);
    private readonly Task reopenLoop;

    /// <summary>
    /// Decides what to recover from (<see cref="IngestLogRecoveryPlan"/>), writes a repaired commit when one is needed,
    /// and opens FASTER on it. A repair that cannot be written (full disk) is served from memory for this generation,
    /// which then starts failed and is reopened — deciding the repair again — once there is room.
    /// </summary>
    private IngestLogGeneration OpenGeneration(long number)
    {
        var plan = IngestLogRecoveryPlan.Make(directory, options, segments);
        foreach (var damage in plan.Fills)
        {
            try
            {
                segments.FillWithZeros(damage);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StartupRefusedException(damage.Path, $"{damage.Problem}, and it could not be extended with zeros to skip the damage ({ex.Message})",
                    "Check that the data directory is writable, then start again");
            }
        }

        var commits = new IngestLogCommitStore(directory, options.SegmentSizeBits, plan.Files, options.KeepCommits, options.BeforeCommitWrite, time, logger);
        string? notDurable = null;
        if (plan is { Repaired: true, Commit: { } repair } && !commits.TryWrite(repair, out var writeError))
        {
            commits.Serve(repair);
            notDurable = IngestLogFaults.Describe(writeError, "writing a repaired commit file", directory, options.ResumeFreeBytes);
        }

        var device = Devices.CreateLogDevice(segments.DevicePath, preallocateFile: false);
        FasterLog log;
        try
        {
            log = new FasterLog(new FasterLogSettings
            {
                LogDevice = device,
                LogCommitManager = commits,
                PageSizeBits = options.PageSizeBits,
                MemorySizeBits = options.MemorySizeBits,
                SegmentSizeBits = options.SegmentSizeBits,
                // A flipped data byte then fails its own record instead of returning garbage.
                LogChecksum = LogChecksumType.PerEntry,
                // The constructor's automatic recovery swallows exceptions; recover explicitly below.
                TryRecoverLatest = false,
            }, logger);
            log.Recover();
        }
        catch
        {
            device.Dispose();
            throw;
        }

        if (plan.Commit is { } expected && log.CommittedUntilAddress != expected.UntilAddress)
        {
            log.Dispose();
            device.Dispose();
            throw new InvalidOperationException($"FASTER recovered the ingest log until {log.CommittedUntilAddress}, not until {expected.UntilAddress} as its commit {expected.CommitNumber} says");
        }

        var generation = new IngestLogGeneration(number, log, device, commits, plan.Lost, options.CommitTimeout, logger,
            OnFault, ex => IngestLogFaults.Describe(ex, "writing a segment file", directory, options.ResumeFreeBytes));
        commits.Failed = ex => OnFault(generation, IngestLogFaults.Describe(ex, "writing a commit file", directory, options.ResumeFreeBytes), ex);
        foreach (string name in log.RecoveredIterators?.Keys ?? Enumerable.Empty<string>())
        {
            var iterator = log.Scan(log.BeginAddress, long.MaxValue, name, recover: true);
            iterator.CompleteUntil(iterator.NextAddress);
            generation.Park(name, iterator);
        }

        lock (generationsLock)
        {
            recoveredUntil[number] = log.CommittedUntilAddress;
        }

        generation.Start();
        foreach (string warning in plan.Warnings)
        {
            logger.LogWarning("Ingest log recovery: {Warning}", warning);
        }

        if (plan.Warnings.Count > 0)
        {
            Health.Report(RecoveryComponent, HealthImpact.Warning, string.Join(" ", plan.Warnings));
        }

        long free = IngestLogFaults.FreeBytes(directory);
        if (notDurable is not null)
        {
            OnFault(generation, notDurable, null);
        }
        else if (free < IngestLogOptions.FullDiskBytes)
        {
            // Opened on a full disk: reads work, writes would fail. Say so now instead of at the first batch.
            OnFault(generation, IngestLogFaults.DiskFull(directory, free, options.ResumeFreeBytes), null);
        }
        else if (plan.Commit is null)
        {
            // A new log: commit at once, so a log with data always has a commit file (a log whose commit files are
            // all gone is then a damaged one, never mistaken for a new one).
            generation.RequestCommit();
        }

        logger.LogInformation("Ingest log generation {Generation} open: begin {Begin}, durable until {Until}", number, log.BeginAddress, log.CommittedUntilAddress);
        return generation;
    }

    private void OnFault(IngestLogGeneration generation, string reason, Exception? exception)
    {
        if (!generation.Fault(reason) || stopping.IsCancellationRequested)
        {
            return;
        }

        Health.Report(Component, HealthImpact.NotReady, reason);
        logger.LogError(exception, "The ingest log (generation {Generation}) failed: {Reason}", generation.Number, reason);
        try
        {
            reopenSignal.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Replaces a failed generation: waits until the disk has room again (at least
    /// <see cref="IngestLogOptions.ResumeFreeBytes"/>), retires the old instance once no append or reader is inside it,
    /// and recovers a new one from the last durable commit. Retries with backoff while that fails.
    /// </summary>
    private async Task ReopenLoopAsync()
    {
        var stop = stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            await reopenSignal.WaitAsync(stop);
            var delay = options.ReopenDelay;
            while (!stop.IsCancellationRequested)
            {
                var failed = Volatile.Read(ref current);
                if (!failed.IsFaulted)
                {
                    break;
                }

                long free = IngestLogFaults.FreeBytes(directory);
                if (free >= options.ResumeFreeBytes)
                {
                    try
                    {
                        IngestLogCommitStore.Probe(directory, options.BeforeCommitWrite);
                        await failed.RetireAsync(failed.FaultReason ?? "failed");
                        var next = OpenGeneration(failed.Number + 1);
                        Volatile.Write(ref current, next);
                        if (!next.IsFaulted)
                        {
                            Health.Clear(Component);
                            logger.LogWarning("The ingest log reopened itself (generation {Generation}, durable until {Until}); ingestion resumes",
                                next.Number, next.Log.CommittedUntilAddress);
                            break;
                        }
                    }
                    catch (Exception ex) when (!stop.IsCancellationRequested)
                    {
                        string reason = $"{failed.FaultReason} — reopening it failed too ({ex.Message}); retrying every few seconds";
                        Health.Report(Component, HealthImpact.NotReady, reason);
                        logger.LogError(ex, "Reopening the ingest log failed; retrying");
                    }
                }
                else
                {
                    // Waiting for room: say how much there is, so the reason stays true while space is freed.
                    Health.Report(Component, HealthImpact.NotReady, IngestLogFaults.DiskFull(directory, free, options.ResumeFreeBytes));
                }

                try
                {
                    await Task.Delay(delay, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ReopenMaxDelay.Ticks));
            }
        }
    }
}

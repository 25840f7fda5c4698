using AegisGuard.Ingest;
using AegisGuard.Ingest.Schema;
using AegisGuard.Storage;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Quarantine;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Pipeline;

/// <summary>
/// Before the web server takes requests, rebuilds what lived in memory from the records the ingest log still holds
/// beyond the stored position: the idempotency keys of batches accepted but not yet stored (so a client retrying after a
/// crash gets its original answer instead of a second copy), the age of that backlog, and which quarantine replays made
/// it into the log before a crash.
/// </summary>
public sealed partial class IngestRecovery(
    DataDirectory data,
    IngestLog log,
    TelemetryStore store,
    IdempotencyGuard idempotency,
    BacklogMonitor backlog,
    QuarantineStore quarantine,
    BatchDecoders decoders,
    ILogger<IngestRecovery> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task retrying = Task.CompletedTask;
    private int disposed;

    /// <summary>
    /// Recovers before the server listens. When the ingest log cannot be read yet (it opened faulted, e.g. on a full
    /// disk), keeps trying in the background: until it has, idempotent requests answer 503 (the log refuses every append
    /// meanwhile anyway), so no retry of a batch the log still holds can be stored twice.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!TryRecover())
        {
            retrying = Task.Run(() => RetryAsync(stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    // The host may stop a service more than once (a test host's dispose after a failed start, or stop then dispose),
    // so stopping only cancels; the token source is released once, in Dispose.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref disposed) == 0)
        {
            await stopping.CancelAsync();
        }

        await retrying.WaitAsync(cancellationToken).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RetryAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !TryRecover())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool TryRecover()
    {
        try
        {
            AdoptLegacyQuarantine();
            Recover();
            idempotency.MarkRecovered();
            return true;
        }
        catch (Exception ex) when (ex is IngestLogUnavailableException or IOException or UnauthorizedAccessException)
        {
            LogNotYet(logger, ex.Message);
            return false;
        }
    }

    private void Recover()
    {
        // From the begin address: records stored but not yet completed (a crash between the two) still tell which
        // replays reached the log; only those beyond the stored position need their keys remembered.
        long stored = store.FlushedUntil;
        long from = Math.Max(stored, log.BeginAddress);
        if (log.CommittedUntilAddress > from)
        {
            backlog.SeedFromLog();
        }

        int records = 0, stamps = 0;
        var batches = new HashSet<string>(StringComparer.Ordinal);
        long generation = log.Generation;
        using (var reader = log.OpenSnapshotReader(log.BeginAddress))
        {
            while (reader.TryRead(out var entry))
            {
                using (entry)
                {
                    if (!IngestEnvelope.TryRead(entry.Payload.Span, out var envelope, out var layout))
                    {
                        continue;
                    }

                    batches.Add(envelope.BatchId.ToString("N"));
                    if (entry.Address < stored)
                    {
                        continue;
                    }

                    records++;
                    if (layout.Idempotency is { } stamp)
                    {
                        var accepted = new IngestAccepted(envelope.ItemCount, envelope.BatchId.ToString("N"));
                        idempotency.Remember(IngestHandler.StampRecord(envelope.OrgId, decoders.For(envelope.Signal), stamp, accepted, envelope.ReceivedAt), generation, entry.Address);
                        stamps++;
                    }
                }
            }
        }

        ReconcileReplays(batches);
        LogRecovered(logger, records, log.CommittedUntilAddress - from, stamps);
    }

    /// <summary>
    /// A replay interrupted by a crash: if its batch reached the ingest log it counts as replayed, otherwise it goes back
    /// to waiting for a decision (the append happens before the entry is marked, never after).
    /// </summary>
    private void ReconcileReplays(HashSet<string> batchesInLog)
    {
        foreach (var entry in quarantine.List().Where(e => e.State == QuarantineStore.Replaying))
        {
            quarantine.SetState(entry.Id, entry.BatchId is not null && batchesInLog.Contains(entry.BatchId) ? QuarantineStore.Replayed : QuarantineStore.Quarantined);
        }
    }

    /// <summary>
    /// Earlier versions kept undecodable records in data/ingest/quarantine/&lt;address&gt;.bin, unencrypted and raw (with
    /// whatever PII they held). Move them into the quarantine, encrypted and listed, and delete the raw copies.
    /// </summary>
    private void AdoptLegacyQuarantine()
    {
        string legacy = Path.Combine(data.IngestDir, "quarantine");
        if (!Directory.Exists(legacy))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(legacy, "*.bin"))
        {
            byte[] payload = File.ReadAllBytes(file);
            long.TryParse(Path.GetFileNameWithoutExtension(file), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long address);
            bool known = IngestEnvelope.TryRead(payload, out var envelope, out _);
            quarantine.Put(new QuarantinedRecord
            {
                Id = QuarantineStore.IdOf(address, known ? envelope.BatchId : null),
                Address = address,
                OrgId = known ? envelope.OrgId : null,
                Signal = known ? SignalNames.Of(envelope.Signal) : null,
                BatchId = known ? envelope.BatchId.ToString("N") : null,
                ReceivedAt = known ? envelope.ReceivedAt : null,
                ItemCount = known ? envelope.ItemCount : 0,
                Stage = "decode",
                Reason = "set aside by an earlier version (undecodable then); replay it to try again",
                QuarantinedAt = File.GetLastWriteTimeUtc(file),
                Bytes = payload.Length,
                State = QuarantineStore.Quarantined,
            }, payload);
            File.Delete(file);
            LogAdopted(logger, Path.GetFileName(file));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the ingest log's unstored records yet ({Reason}); retrying. Idempotent requests answer 503 until then")]
    private static partial void LogNotYet(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moved {File}, set aside by an earlier version, into the encrypted quarantine")]
    private static partial void LogAdopted(ILogger logger, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "The ingest log holds {Records} records ({Bytes} bytes) accepted but not yet stored; {Stamps} idempotency keys remembered")]
    private static partial void LogRecovered(ILogger logger, int records, long bytes, int stamps);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            stopping.Cancel();
            stopping.Dispose();
        }
    }
}

using AegisGuard.Ingest;
using AegisGuard.Ingest.Schema;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Quarantine;

namespace AegisGuard.Pipeline;

/// <summary>
/// Before the web server takes requests, rebuilds what lived in memory from the records the ingest log still holds
/// beyond the stored position: the idempotency keys of batches accepted but not yet stored (so a client retrying after a
/// crash gets its original answer instead of a second copy), the age of that backlog, and which quarantine replays made
/// it into the log before a crash.
/// </summary>
public sealed partial class IngestRecovery(
    IngestLog log,
    TelemetryStore store,
    IdempotencyGuard idempotency,
    BacklogMonitor backlog,
    QuarantineStore quarantine,
    BatchDecoders decoders,
    ILogger<IngestRecovery> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
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
                        idempotency.Remember(IngestHandler.StampRecord(envelope.OrgId, decoders.For(envelope.Signal), stamp, accepted, envelope.ReceivedAt), entry.Address);
                        stamps++;
                    }
                }
            }
        }

        ReconcileReplays(batches);
        LogRecovered(logger, records, log.CommittedUntilAddress - from, stamps);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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

    [LoggerMessage(Level = LogLevel.Information, Message = "The ingest log holds {Records} records ({Bytes} bytes) accepted but not yet stored; {Stamps} idempotency keys remembered")]
    private static partial void LogRecovered(ILogger logger, int records, long bytes, int stamps);
}

using System.Diagnostics;
using System.Threading.Channels;
using AegisGuard.Hosting;
using AegisGuard.Ingest;
using AegisGuard.Ingest.Schema;
using AegisGuard.Orgs;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Quarantine;
using AegisGuard.Storage.Telemetry;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pipeline;

/// <summary>
/// Where a batch goes after its 202. Three stages joined by bounded channels:
/// <list type="number">
/// <item>read — the persistent "normalizer" iterator of the ingest log (committed records only);</item>
/// <item>decode — the record's rows (decoded, validated and scrubbed by the ingest API before the 202; records written by
/// earlier versions carry the request JSON and are decoded and scrubbed here); records already stored by an earlier run
/// (address before the manifest's flushed position) are only counted, so a replay after a crash writes nothing twice;</item>
/// <item>write — stage each record's rows in DuckDB as it arrives and flush every second or N rows: idempotency stamps to
/// meta.db, Parquet files, one manifest transaction, then complete + truncate the log.</item>
/// </list>
/// Failures are isolated per record: a record that cannot be decoded or staged is set aside in the quarantine with its
/// reason and the pipeline goes on. Anything else (the log, DuckDB or the disk failing) stops the pipeline, which a
/// supervisor restarts with backoff, reading again from the last stored position; <c>/healthz</c> says not ready, and
/// why, for as long as that lasts. On shutdown it drains every committed record and flushes before returning.
/// </summary>
public sealed partial class Normalizer(
    IngestLog log,
    TelemetryStore store,
    OrgDirectory orgs,
    PiiScrubbers scrubbers,
    BatchDecoders decoders,
    QuarantineStore quarantine,
    IdempotencyGuard idempotency,
    PipelineStatus status,
    HealthConditions health,
    IOptions<AegisOptions> options,
    TimeProvider time,
    ILogger<Normalizer> logger) : BackgroundService
{
    public const string ReaderName = "normalizer";

    /// <summary>The health board key while the pipeline is stopped or restarting.</summary>
    public const string HealthComponent = "pipeline";

    /// <summary>The health board key while storing to Parquet fails (retried).</summary>
    public const string WriteHealthComponent = "pipeline.write";

    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadPoll = TimeSpan.FromSeconds(1);

    // Restarts since the last successful flush: the backoff grows with them and resets once the pipeline stores again.
    private int failuresInARow;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        status.Started(store.FlushedUntil, log.CommittedUntilAddress, time.GetUtcNow().UtcDateTime);
        while (true)
        {
            try
            {
                bool drained = await RunAsync(stoppingToken);
                if (!drained)
                {
                    // Shutting down while storage keeps failing: what is not stored stays in the ingest log for the next
                    // start. Say so in the exit code, so a supervisor or an operator notices.
                    LogDrainIncomplete(logger, log.CommittedUntilAddress - store.FlushedUntil);
                    Environment.ExitCode = 1;
                }

                health.Clear(HealthComponent);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                int failures = Interlocked.Increment(ref failuresInARow);
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRestartDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10))));
                string stage = ex is PipelineStageException p ? p.Stage : "pipeline";
                string reason = (ex as PipelineStageException)?.InnerException?.Message ?? ex.Message;
                status.StageFailed(stage, reason);
                health.Report(HealthComponent, HealthImpact.NotReady,
                    $"the pipeline's {stage} stage failed ({reason}); restarting in {delay.TotalSeconds:0.#} s (restart {failures}). " +
                    "Accepted batches stay in the ingest log and are stored once it runs again.");
                LogStageFailed(logger, stage, failures, delay.TotalSeconds, ex);
                store.DiscardStaged();
                if (stoppingToken.IsCancellationRequested)
                {
                    Environment.ExitCode = 1;
                    return;
                }

                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    Environment.ExitCode = 1;
                    return;
                }
            }
        }
    }

    /// <summary>
    /// One run of the three stages until shutdown (true: everything committed was stored; false: storage kept failing
    /// while draining). Throws when a stage fails.
    /// </summary>
    private async Task<bool> RunAsync(CancellationToken stoppingToken)
    {
        status.ResetProgressCounts();
        using var reader = log.OpenReader(ReaderName);
        var raw = Channel.CreateBounded<IngestLogEntry>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var normalized = Channel.CreateBounded<NormalizedBatch>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        using var abort = new CancellationTokenSource();
        var read = Task.Run(() => ReadAsync(reader, raw.Writer, stoppingToken, abort.Token), CancellationToken.None);
        var decode = Task.Run(() => DecodeAsync(raw.Reader, normalized.Writer, abort.Token), CancellationToken.None);
        var write = Task.Run(() => WriteAsync(reader, normalized.Reader, stoppingToken, abort.Token), CancellationToken.None);
        Task[] stages = [read, decode, write];
        try
        {
            while (true)
            {
                var finished = await Task.WhenAny(stages.Where(t => !t.IsCompleted));
                if (finished.IsFaulted)
                {
                    var failure = finished.Exception!.InnerException!;
                    throw failure is PipelineStageException ? failure : new PipelineStageException("pipeline", failure.Message, failure);
                }

                if (finished == write)
                {
                    return await write;
                }
            }
        }
        finally
        {
            // Unblock whatever still runs (a stage waiting on a full channel, say), let it end, free what it read.
            await abort.CancelAsync();
            await Task.WhenAll(stages.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
            DisposeUnread(raw.Reader);
        }
    }

    private async Task ReadAsync(IngestLogReader reader, ChannelWriter<IngestLogEntry> output, CancellationToken stoppingToken, CancellationToken abort)
    {
        try
        {
            long stalledSince = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                while (reader.TryRead(out var entry))
                {
                    stalledSince = 0;
                    await WriteOrDisposeAsync(output, entry, abort);
                    status.Handed();
                }

                status.ReaderAt(reader.NextAddress);
                if (reader.NextAddress < reader.CommittedUntilAddress)
                {
                    // Committed records the iterator does not hand out: FASTER's wait would return at once and this
                    // loop would spin. Back off and make the stall visible instead.
                    stalledSince = stalledSince == 0 ? time.GetTimestamp() : stalledSince;
                    if (time.GetElapsedTime(stalledSince) > TimeSpan.FromSeconds(10))
                    {
                        LogReaderStalled(logger, reader.NextAddress, reader.CommittedUntilAddress);
                        stalledSince = time.GetTimestamp();
                    }

                    await Task.Delay(50, stoppingToken);
                    continue;
                }

                status.ReaderIdle(reader.NextAddress);

                // Wake at least every second even without a signal: a record committed before this reader opened (or a
                // missed wake-up) must not wait for the next batch to arrive before it is stored.
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, abort);
                poll.CancelAfter(ReadPoll);
                try
                {
                    if (!await reader.WaitAsync(poll.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!abort.IsCancellationRequested)
                {
                    // a poll or shutdown: loop (shutdown leaves the loop at its condition)
                }
            }

            // Shutdown: the web server has stopped taking batches; drain what is committed so it is queryable.
            while (reader.TryRead(out var entry))
            {
                await WriteOrDisposeAsync(output, entry, abort);
            }

            output.Complete();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete();
            throw new PipelineStageException("read", ex.Message, ex);
        }
    }

    private static async ValueTask WriteOrDisposeAsync(ChannelWriter<IngestLogEntry> output, IngestLogEntry entry, CancellationToken abort)
    {
        try
        {
            await output.WriteAsync(entry, abort);
        }
        catch
        {
            entry.Dispose();
            throw;
        }
    }

    private async Task DecodeAsync(ChannelReader<IngestLogEntry> input, ChannelWriter<NormalizedBatch> output, CancellationToken abort)
    {
        try
        {
            await foreach (var entry in input.ReadAllAsync(abort))
            {
                status.BatchRead();
                NormalizedBatch batch;
                using (entry)
                {
                    batch = Normalize(entry);
                }

                await output.WriteAsync(batch, abort);
            }

            output.Complete();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete();
            throw new PipelineStageException("decode", ex.Message, ex);
        }
    }

    /// <summary>
    /// The rows of one record, or none when it was stored before a restart or had to be set aside. Throws only when the
    /// record could not be set aside either (then it stays in the log and the pipeline restarts).
    /// </summary>
    internal NormalizedBatch Normalize(IngestLogEntry entry)
    {
        if (entry.Address < store.FlushedUntil)
        {
            return new NormalizedBatch(entry.Address, entry.NextAddress, 0, [], null, null); // stored before a restart: replay writes nothing
        }

        var bytes = entry.Payload.Span;
        if (!IngestEnvelope.TryRead(bytes, out var envelope, out var layout))
        {
            return Quarantine(entry.Address, entry.NextAddress, null, null, entry.Payload.ToArray(), "decode", "the record's header is not one this version knows");
        }

        try
        {
            var payload = entry.Payload.Slice(layout.PayloadOffset, layout.PayloadLength);
            var rows = layout.Version == IngestEnvelope.CurrentVersion
                ? TelemetryRowCodec.Read(payload.Span, envelope.Signal, entry.Address)
                : DecodeLegacy(envelope, payload, entry.Address);
            if (rows.Count != envelope.ItemCount)
            {
                throw new InvalidDataException($"the record holds {rows.Count} rows but its header says {envelope.ItemCount}");
            }

            return new NormalizedBatch(entry.Address, entry.NextAddress, envelope.OrgId, rows, envelope, layout.Idempotency);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not Microsoft.Data.Sqlite.SqliteException)
        {
            // Whatever this record's content does to the decoder (a bug included), it must not stop the pipeline: only
            // the metadata store failing (an environment problem, not the record's) is left to the supervisor.
            return Quarantine(entry.Address, entry.NextAddress, envelope, layout.Idempotency, entry.Payload.ToArray(), "decode", ex.Message);
        }
    }

    /// <summary>Records written by earlier versions hold the request JSON: decode and scrub it here, as they did.</summary>
    private IReadOnlyList<TelemetryRow> DecodeLegacy(IngestEnvelope envelope, ReadOnlyMemory<byte> json, long address)
    {
        var org = orgs.Find(envelope.OrgId) ?? throw new QuarantineException($"org {envelope.OrgId} does not exist");
        var context = new DecodeContext
        {
            ReceivedAt = envelope.ReceivedAt,
            OldestAllowed = DateTime.MinValue, // the window was checked at ingestion; a replay must not re-judge it
            NewestAllowed = DateTime.MaxValue,
            SourceAddress = address,
            Scrubber = scrubbers.For(org),
        };
        var result = decoders.For(envelope.Signal).DecodeRows(json, context);
        return result.Outcome == DecodeOutcome.Ok
            ? result.Rows
            : throw new QuarantineException(context.Errors.Count > 0 ? $"{context.Errors[0].Field}: {context.Errors[0].Reason}" : result.Problem ?? "undecodable batch");
    }

    /// <summary>
    /// Sets a record aside with its reason (encrypted, in data/quarantine/records) so nothing acknowledged is thrown
    /// away and the pipeline moves on. The record's range still counts as processed.
    /// </summary>
    private NormalizedBatch Quarantine(long address, long next, IngestEnvelope? envelope, IdempotencyStamp? stamp, byte[] payload, string stage, string reason)
    {
        var entry = quarantine.Put(new QuarantinedRecord
        {
            Id = QuarantineStore.IdOf(address, envelope?.BatchId),
            Address = address,
            OrgId = envelope?.OrgId,
            Signal = envelope is { } e ? SignalNames.Of(e.Signal) : null,
            BatchId = envelope?.BatchId.ToString("N"),
            ReceivedAt = envelope?.ReceivedAt,
            ItemCount = envelope?.ItemCount ?? 0,
            Stage = stage,
            Reason = reason,
            QuarantinedAt = time.GetUtcNow().UtcDateTime,
            Bytes = payload.Length,
            State = QuarantineStore.Quarantined,
        }, payload);
        status.Quarantine();
        LogQuarantined(logger, address, stage, reason);
        return new NormalizedBatch(address, next, envelope?.OrgId ?? 0, [], envelope, stamp);
    }

    private async Task<bool> WriteAsync(IngestLogReader reader, ChannelReader<NormalizedBatch> input, CancellationToken stoppingToken, CancellationToken abort)
    {
        try
        {
            var pipeline = options.Value.Pipeline;
            var pending = new PendingFlush();
            var stamps = new List<IdempotencyRecord>();
            int records = 0;
            long firstPendingAt = 0;
            while (true)
            {
                bool more;
                if (pending.IsEmpty)
                {
                    more = await input.WaitToReadAsync(abort);
                }
                else
                {
                    var remaining = pipeline.FlushInterval - time.GetElapsedTime(firstPendingAt);
                    more = remaining <= TimeSpan.Zero || await WaitWithTimeoutAsync(input, remaining, abort);
                }

                while (input.TryRead(out var batch))
                {
                    if (pending.IsEmpty)
                    {
                        firstPendingAt = time.GetTimestamp();
                    }

                    Add(pending, stamps, batch);
                    records++;
                    if (pending.RowCount >= pipeline.FlushMaxRows)
                    {
                        if (!await FlushAsync(reader, pending, stamps, stoppingToken))
                        {
                            return false;
                        }

                        status.StoredRecords(records);
                        records = 0;
                    }
                }

                if (!pending.IsEmpty && (!more || time.GetElapsedTime(firstPendingAt) >= pipeline.FlushInterval))
                {
                    if (!await FlushAsync(reader, pending, stamps, stoppingToken))
                    {
                        return false;
                    }

                    status.StoredRecords(records);
                    records = 0;
                }

                if (!more && input.Completion.IsCompleted)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex) when (ex is not PipelineStageException)
        {
            throw new PipelineStageException("write", ex.Message, ex);
        }
    }

    /// <summary>
    /// Adds one record to the next flush and stages its rows in DuckDB now (so they do not wait on the .NET heap). A
    /// record whose rows cannot be staged while the engine still takes a canary row is set aside; when the engine
    /// itself fails, the write stage stops (and restarts) instead.
    /// </summary>
    private void Add(PendingFlush pending, List<IdempotencyRecord> stamps, NormalizedBatch batch)
    {
        pending.Cover(batch.Address, batch.NextAddress);
        if (batch.Stamp is { } stamp && batch.Envelope is { } envelope)
        {
            stamps.Add(new IdempotencyRecord
            {
                OrgId = envelope.OrgId,
                Key = stamp.Key,
                Signal = decoders.For(envelope.Signal).ItemsProperty,
                BodySha256 = stamp.BodySha256Hex,
                BatchId = envelope.BatchId.ToString("N"),
                Accepted = envelope.ItemCount,
                CreatedAt = envelope.ReceivedAt,
            });
        }

        if (batch.Rows.Count == 0)
        {
            return;
        }

        foreach (var row in batch.Rows)
        {
            switch (row)
            {
                case LogRecord r: pending.Add(batch.OrgId, r); break;
                case MetricPoint r: pending.Add(batch.OrgId, r); break;
                case SpanRecord r: pending.Add(batch.OrgId, r); break;
                case RumEvent r: pending.Add(batch.OrgId, r); break;
            }
        }

        try
        {
            store.Stage(pending);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!store.EngineAcceptsRows())
            {
                throw new PipelineStageException("write", $"DuckDB cannot stage rows: {ex.Message}", ex);
            }

            pending.DropUnstaged();
            var envelopeOf = batch.Envelope!.Value;
            Quarantine(batch.Address, batch.NextAddress, envelopeOf, batch.Stamp, envelopeOf.ToRecord(batch.Stamp, batch.Rows), "stage", ex.Message);
        }
    }

    private static async Task<bool> WaitWithTimeoutAsync(ChannelReader<NormalizedBatch> input, TimeSpan timeout, CancellationToken abort)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(abort);
        cts.CancelAfter(timeout);
        try
        {
            return await input.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            return true; // timed out: time to flush; the channel may still have more later
        }
    }

    /// <summary>
    /// Stores what is pending: idempotency stamps to meta.db first (the log must not forget a record before its stamp is
    /// kept elsewhere), then Parquet and the manifest, then the log is completed. Retried with backoff while it fails
    /// (the health board says so); false only when shutting down and storage keeps failing.
    /// </summary>
    private async Task<bool> FlushAsync(IngestLogReader reader, PendingFlush pending, List<IdempotencyRecord> stamps, CancellationToken stoppingToken)
    {
        int attempt = 0;
        var failingSince = DateTime.MinValue;
        while (true)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                idempotency.Persist(stamps);
                var files = store.Flush(pending);
                status.Flushed(pending.RowCount, files.Count, pending.NextAddress, time.GetUtcNow().UtcDateTime);
                LogFlushed(logger, pending.RowCount, files.Count, watch.ElapsedMilliseconds);
                if (attempt > 0)
                {
                    health.Clear(WriteHealthComponent);
                }

                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                attempt++;
                failingSince = failingSince == DateTime.MinValue ? time.GetUtcNow().UtcDateTime : failingSince;
                status.FlushFailed(ex.Message);
                health.Report(WriteHealthComponent, HealthImpact.NotReady,
                    $"storing accepted batches in Parquet fails ({ex.Message}); attempt {attempt} since {failingSince:HH:mm:ss} UTC. " +
                    "The batches stay in the ingest log and are retried; check free disk space and data/telemetry.");
                LogFlushFailed(logger, attempt, ex);
                if (stoppingToken.IsCancellationRequested && attempt >= 3)
                {
                    // Shutting down and storage keeps failing: stop here. The rows stay in the ingest log (nothing past
                    // them is completed) and are replayed at the next start.
                    return false;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempt)), CancellationToken.None);
            }
        }

        // Only now may the log forget these records. A failure here (the log reopened, say) stops the stage: the records
        // are redelivered after the restart and skipped, as they are stored.
        await reader.CompleteUntilAsync(pending.NextAddress, truncate: true, CancellationToken.None);
        pending.Clear();
        stamps.Clear();
        health.Clear(HealthComponent);
        Interlocked.Exchange(ref failuresInARow, 0);
        return true;
    }

    private static void DisposeUnread(ChannelReader<IngestLogEntry> reader)
    {
        while (reader.TryRead(out var entry))
        {
            entry.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Flushed {Rows} rows into {Files} Parquet files in {Elapsed} ms")]
    private static partial void LogFlushed(ILogger logger, int rows, int files, long elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flush attempt {Attempt} failed; the rows stay in the ingest log and the flush is retried")]
    private static partial void LogFlushFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined ingest log record {Address} ({Stage}): {Reason}")]
    private static partial void LogQuarantined(ILogger logger, long address, string stage, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingest log reader is stuck at {Address} while records up to {Committed} are committed")]
    private static partial void LogReaderStalled(ILogger logger, long address, long committed);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The pipeline's {Stage} stage failed (restart {Restart}); restarting in {Delay} s")]
    private static partial void LogStageFailed(ILogger logger, string stage, int restart, double delay, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Shutting down with {Bytes} bytes of accepted data not stored in Parquet (storage kept failing); they stay in the ingest log and are stored at the next start")]
    private static partial void LogDrainIncomplete(ILogger logger, long bytes);

    /// <summary>One record's own content is the problem (not the engine): set it aside.</summary>
    private sealed class QuarantineException(string message) : Exception(message);
}

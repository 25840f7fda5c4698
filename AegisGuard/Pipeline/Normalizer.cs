using System.Diagnostics;
using System.Threading.Channels;
using AegisGuard.Hosting;
using AegisGuard.Ingest;
using AegisGuard.Ingest.Schema;
using AegisGuard.Orgs;
using AegisGuard.Storage;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using Microsoft.Extensions.Options;

namespace AegisGuard.Pipeline;

/// <summary>
/// Where a batch goes after its 202. Three stages joined by bounded channels:
/// <list type="number">
/// <item>read — the persistent "normalizer" iterator of the ingest log (committed records only);</item>
/// <item>normalize — decode the stored JSON, scrub PII with the org's mode and key, enrich (org, received time,
/// level, default service); records already stored by an earlier run (address before the manifest's flushed
/// position) are only counted, so a replay after a crash writes nothing twice;</item>
/// <item>write — stage rows per (signal, org, day) in DuckDB as batches arrive and flush every second or N rows:
/// Parquet files, then one manifest transaction, then complete + truncate the log. A failed flush is retried;
/// nothing is dropped.</item>
/// </list>
/// On shutdown it drains every committed record and flushes before returning.
/// </summary>
public sealed partial class Normalizer(
    IngestLog log,
    TelemetryStore store,
    OrgDirectory orgs,
    LogBatchDecoder logDecoder,
    MetricBatchDecoder metricDecoder,
    SpanBatchDecoder spanDecoder,
    RumBatchDecoder rumDecoder,
    PipelineStatus status,
    DataDirectory data,
    IOptions<AegisOptions> options,
    TimeProvider time,
    ILogger<Normalizer> logger) : BackgroundService
{
    public const string ReaderName = "normalizer";
    private readonly Dictionary<int, (string Mode, PiiScrubber Scrubber)> scrubbers = [];

    // The read stage replaces the reader when the ingest log reopens itself after a failure; the write stage completes
    // positions on whichever reader is current.
    private IngestLogReader? currentReader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (await OpenReaderAsync(stoppingToken) is not { } opened)
        {
            return;
        }

        Volatile.Write(ref currentReader, opened);
        using var disposeReader = new ReaderDisposal(this);
        status.Started(store.FlushedUntil);
        var raw = Channel.CreateBounded<IngestLogEntry>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var normalized = Channel.CreateBounded<NormalizedBatch>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        // Cancelled only when the write stage gives up (storage failing during shutdown), to unblock the others.
        using var abort = new CancellationTokenSource();
        var stages = new[]
        {
            Task.Run(() => ReadAsync(raw.Writer, stoppingToken, abort.Token), CancellationToken.None),
            Task.Run(() => NormalizeAsync(raw.Reader, normalized.Writer, abort.Token), CancellationToken.None),
            Task.Run(() => WriteAsync(normalized.Reader, abort, stoppingToken), CancellationToken.None),
        };
        await Task.WhenAll(stages);
    }

    private sealed class ReaderDisposal(Normalizer owner) : IDisposable
    {
        public void Dispose() => Volatile.Read(ref owner.currentReader)?.Dispose();
    }

    /// <summary>Opens the named reader, waiting while the ingest log reopens itself after a failure; null when stopping.</summary>
    private async Task<IngestLogReader?> OpenReaderAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return log.OpenReader(ReaderName);
            }
            catch (IngestLogUnavailableException ex)
            {
                LogReaderWaiting(logger, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }
    }

    private async Task ReadAsync(ChannelWriter<IngestLogEntry> output, CancellationToken stoppingToken, CancellationToken abort)
    {
        var reader = Volatile.Read(ref currentReader)!;
        // After a reopen the new reader resumes at the last completed position: what was already handed on is skipped.
        long forwardedUntil = 0;
        try
        {
            long stalledSince = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    while (reader.TryRead(out var entry))
                    {
                        if (entry.Address < forwardedUntil)
                        {
                            entry.Dispose();
                            continue;
                        }

                        forwardedUntil = entry.NextAddress;
                        stalledSince = 0;
                        await output.WriteAsync(entry, abort);
                    }
                }
                catch (IngestLogReopenedException ex)
                {
                    LogReaderReopened(logger, ex.Message);
                    reader.Dispose();
                    if (await OpenReaderAsync(stoppingToken) is not { } reopened)
                    {
                        break;
                    }

                    reader = reopened;
                    Volatile.Write(ref currentReader, reopened);
                    continue;
                }

                long readerAt, committed;
                try
                {
                    readerAt = reader.NextAddress;
                    committed = reader.CommittedUntilAddress;
                }
                catch (IngestLogReopenedException)
                {
                    continue; // TryRead above throws it again and replaces the reader
                }

                status.ReaderAt(readerAt);
                if (readerAt < committed)
                {
                    // Committed records the iterator does not hand out: FASTER's wait would return at once and this
                    // loop would spin. Back off and make the stall visible instead.
                    stalledSince = stalledSince == 0 ? time.GetTimestamp() : stalledSince;
                    if (time.GetElapsedTime(stalledSince) > TimeSpan.FromSeconds(10))
                    {
                        LogReaderStalled(logger, readerAt, committed);
                        stalledSince = time.GetTimestamp();
                    }

                    await Task.Delay(50, stoppingToken);
                    continue;
                }

                try
                {
                    if (!await reader.WaitAsync(stoppingToken))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (IngestLogReopenedException)
                {
                    continue; // TryRead above throws it again and replaces the reader
                }
            }

            // Shutdown: the web server has stopped taking batches; drain what is committed so it is queryable.
            try
            {
                while (reader.TryRead(out var entry))
                {
                    if (entry.Address < forwardedUntil)
                    {
                        entry.Dispose();
                        continue;
                    }

                    forwardedUntil = entry.NextAddress;
                    await output.WriteAsync(entry, abort);
                }
            }
            catch (IngestLogReopenedException)
            {
                // The log failed during shutdown: what was not drained is replayed at the next start.
            }

            output.Complete();
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested || stoppingToken.IsCancellationRequested)
        {
            output.Complete();
        }
        catch (Exception ex)
        {
            status.ReaderFailed(ex.Message);
            LogStageFailed(logger, "read", ex);
            output.Complete(ex);
        }
    }

    private async Task NormalizeAsync(ChannelReader<IngestLogEntry> input, ChannelWriter<NormalizedBatch> output, CancellationToken abort)
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
            LogStageFailed(logger, "normalize", ex);
            output.Complete(ex);
        }
    }

    internal NormalizedBatch Normalize(IngestLogEntry entry)
    {
        if (entry.Address < store.FlushedUntil)
        {
            return new NormalizedBatch(entry.Address, entry.NextAddress, 0, []); // stored before a restart: replay writes nothing
        }

        if (!IngestEnvelope.TryRead(entry.Payload.Span, out var envelope))
        {
            return Quarantine(entry, "unknown record header");
        }

        var org = orgs.Find(envelope.OrgId);
        if (org is null)
        {
            return Quarantine(entry, $"org {envelope.OrgId} does not exist");
        }

        var context = new DecodeContext
        {
            ReceivedAt = envelope.ReceivedAt,
            OldestAllowed = DateTime.MinValue, // the window was checked at ingestion; a replay must not re-judge it
            NewestAllowed = DateTime.MaxValue,
            SourceAddress = entry.Address,
            Scrub = ScrubberFor(org).Scrub,
        };
        var payload = entry.Payload[IngestEnvelope.HeaderSize..];
        IReadOnlyList<TelemetryRow>? rows = envelope.Signal switch
        {
            Signal.Logs => Decoded(logDecoder.Decode(payload, context)),
            Signal.Metrics => Decoded(metricDecoder.Decode(payload, context)),
            Signal.Traces => Decoded(spanDecoder.Decode(payload, context)),
            Signal.Rum => Decoded(rumDecoder.Decode(payload, context)),
            _ => null,
        };
        return rows is null
            ? Quarantine(entry, context.Errors.Count > 0 ? $"{context.Errors[0].Field}: {context.Errors[0].Reason}" : "undecodable batch")
            : new NormalizedBatch(entry.Address, entry.NextAddress, envelope.OrgId, rows);
    }

    private static IReadOnlyList<TelemetryRow>? Decoded<TRow>(BatchDecodeResult<TRow> result)
        where TRow : TelemetryRow =>
        result.Outcome == DecodeOutcome.Ok ? result.Rows : null;

    private PiiScrubber ScrubberFor(OrgEntry org)
    {
        if (!scrubbers.TryGetValue(org.Org.Id, out var cached) || cached.Mode != org.Org.PiiMode)
        {
            var mode = org.Org.PiiMode == "hash" ? PiiMode.Hash : PiiMode.Redact;
            cached = (org.Org.PiiMode, new PiiScrubber(mode, org.PiiKey));
            scrubbers[org.Org.Id] = cached;
        }

        return cached.Scrubber;
    }

    /// <summary>
    /// A record that was valid at ingestion but cannot be decoded now (a bug or on-disk damage). Its bytes are
    /// kept in data/ingest/quarantine so nothing acknowledged is thrown away, and the pipeline moves on.
    /// </summary>
    private NormalizedBatch Quarantine(IngestLogEntry entry, string reason)
    {
        status.Quarantine();
        string folder = Path.Combine(data.IngestDir, "quarantine");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, $"{entry.Address:D14}.bin"), entry.Payload.ToArray());
        LogQuarantined(logger, entry.Address, reason);
        return new NormalizedBatch(entry.Address, entry.NextAddress, 0, []);
    }

    private async Task WriteAsync(ChannelReader<NormalizedBatch> input, CancellationTokenSource abort, CancellationToken stoppingToken)
    {
        var pipeline = options.Value.Pipeline;
        var pending = new PendingFlush();
        long firstPendingAt = 0;
        try
        {
            while (true)
            {
                bool more;
                if (pending.IsEmpty)
                {
                    more = await input.WaitToReadAsync(CancellationToken.None);
                }
                else
                {
                    var remaining = pipeline.FlushInterval - time.GetElapsedTime(firstPendingAt);
                    more = remaining <= TimeSpan.Zero || await WaitWithTimeoutAsync(input, remaining);
                }

                while (input.TryRead(out var batch))
                {
                    if (pending.IsEmpty)
                    {
                        firstPendingAt = time.GetTimestamp();
                    }

                    pending.Cover(batch.Address, batch.NextAddress);
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

                    StageQuietly(pending);

                    if (pending.RowCount >= pipeline.FlushMaxRows && !await FlushAsync(pending, stoppingToken))
                    {
                        await abort.CancelAsync();
                        return;
                    }
                }

                if (!pending.IsEmpty && (!more || time.GetElapsedTime(firstPendingAt) >= pipeline.FlushInterval) &&
                    !await FlushAsync(pending, stoppingToken))
                {
                    await abort.CancelAsync();
                    return;
                }

                if (!more && input.Completion.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            LogStageFailed(logger, "write", ex);
            throw;
        }
    }

    /// <summary>
    /// Moves the pending rows into DuckDB now, so they do not wait on the .NET heap until the flush. A failure leaves
    /// them in <paramref name="pending"/> (staging is transactional) and the flush, which retries, stages them again.
    /// </summary>
    private void StageQuietly(PendingFlush pending)
    {
        try
        {
            store.Stage(pending);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogStagingFailed(logger, ex);
        }
    }

    private static async Task<bool> WaitWithTimeoutAsync(ChannelReader<NormalizedBatch> input, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await input.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return true; // timed out: time to flush; the channel may still have more later
        }
    }

    /// <summary>Flushes, retrying on failure; false only when shutting down and storage keeps failing.</summary>
    private async Task<bool> FlushAsync(PendingFlush pending, CancellationToken stoppingToken)
    {
        int attempt = 0;
        while (true)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var files = store.Flush(pending);
                // Only now is it safe to let the log forget these records.
                try
                {
                    await Volatile.Read(ref currentReader)!.CompleteUntilAsync(pending.NextAddress, truncate: true, CancellationToken.None);
                }
                catch (IngestLogReopenedException ex)
                {
                    // The rows are stored and the manifest moved; the log position follows with the next flush, and
                    // until then a replay skips these records (they are below the flushed position).
                    LogCompletionDeferred(logger, ex.Message);
                }
                status.Flushed(pending.RowCount, files.Count, pending.NextAddress, time.GetUtcNow().UtcDateTime);
                LogFlushed(logger, pending.RowCount, files.Count, watch.ElapsedMilliseconds);
                pending.Clear();
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                attempt++;
                status.FlushFailed(ex.Message);
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
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Flushed {Rows} rows into {Files} Parquet files in {Elapsed} ms")]
    private static partial void LogFlushed(ILogger logger, int rows, int files, long elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flush attempt {Attempt} failed; the rows stay in the ingest log and the flush is retried")]
    private static partial void LogFlushFailed(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staging rows in DuckDB failed; they stay pending and the flush stages them again")]
    private static partial void LogStagingFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quarantined ingest log record {Address}: {Reason}")]
    private static partial void LogQuarantined(ILogger logger, long address, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The ingest log reader is stuck at {Address} while records up to {Committed} are committed")]
    private static partial void LogReaderStalled(ILogger logger, long address, long committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the ingest log to reopen before reading: {Reason}")]
    private static partial void LogReaderWaiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ingest log reopened; opening a new reader: {Reason}")]
    private static partial void LogReaderReopened(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored a flush but could not move the ingest log position (the log is reopening): {Reason}")]
    private static partial void LogCompletionDeferred(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The normalizer's {Stage} stage failed")]
    private static partial void LogStageFailed(ILogger logger, string stage, Exception exception);
}

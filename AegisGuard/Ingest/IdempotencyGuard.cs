using System.Collections.Concurrent;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Ingest;

/// <summary>
/// Makes a retry with the same <c>x-idempotency-key</c> get the original answer after any crash. The key travels
/// inside the ingest log record it answers for (<see cref="IdempotencyStamp"/>), so it is durable in the same write:
/// <list type="bullet">
/// <item>batches still in the ingest log are remembered here, in memory — filled as batches are accepted and, after a
/// restart, from the records the log still holds (<see cref="Remember"/>);</item>
/// <item>the pipeline copies each stamp into meta.db before the log may forget its record, which stops remembering them here
/// (<see cref="Persist"/>);</item>
/// <item>a batch whose commit timed out (answered 503, but it may still become durable) is remembered as uncertain:
/// a retry waits for it to be settled instead of appending it a second time.</item>
/// </list>
/// Requests carrying the same (org, key) are serialised, so two concurrent retries cannot both append.
/// </summary>
public sealed class IdempotencyGuard(MetadataStore store)
{
    private readonly Dictionary<(int, string), Slot> slots = [];
    private readonly ConcurrentDictionary<(int, string), PendingBatch> pending = new();

    private volatile bool recovered;

    /// <summary>Batches remembered in memory (accepted, not yet copied to meta.db).</summary>
    public int PendingCount => pending.Count;

    /// <summary>
    /// True once the keys of batches the ingest log held at start-up are remembered (<see cref="MarkRecovered"/>); before
    /// that a key cannot be checked and idempotent requests must wait.
    /// </summary>
    public bool IsRecovered => recovered;

    /// <summary>Called by start-up recovery once every key the ingest log holds is remembered.</summary>
    public void MarkRecovered() => recovered = true;

    public async Task<IDisposable> LockAsync(int orgId, string key, CancellationToken cancellationToken)
    {
        Slot slot;
        lock (slots)
        {
            if (!slots.TryGetValue((orgId, key), out slot!))
            {
                slot = new Slot();
                slots[(orgId, key)] = slot;
            }

            slot.Users++;
        }

        try
        {
            await slot.Gate.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave((orgId, key), slot);
            throw;
        }

        return new Release(this, (orgId, key), slot);
    }

    /// <summary>
    /// What is known about (<paramref name="orgId"/>, <paramref name="key"/>) accepted since <paramref name="notBefore"/>:
    /// a batch in the ingest log (possibly uncertain), or one stored in meta.db, or nothing.
    /// </summary>
    public PendingBatch? Find(int orgId, string key, DateTime notBefore)
    {
        if (pending.TryGetValue((orgId, key), out var batch) && batch.Record.CreatedAt >= notBefore)
        {
            return batch;
        }

        var stored = store.FindIdempotency(orgId, key, notBefore);
        return stored is null ? null : new PendingBatch(stored, -1, -1, false);
    }

    /// <summary>
    /// Remembers a batch whose record is in the ingest log at <paramref name="address"/> of log generation
    /// <paramref name="generation"/> (durable unless <paramref name="uncertain"/>).
    /// </summary>
    public void Remember(IdempotencyRecord record, long generation, long address, bool uncertain = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        pending[(record.OrgId, record.Key)] = new PendingBatch(record, generation, address, uncertain);
    }

    /// <summary>Marks an uncertain batch as durable (its commit completed after all).</summary>
    public void Settle(PendingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        pending.TryUpdate((batch.Record.OrgId, batch.Record.Key), batch with { Uncertain = false }, batch);
    }

    /// <summary>Drops an uncertain batch that did not become durable (a retry may append it again).</summary>
    public void Discard(PendingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        pending.TryRemove(new KeyValuePair<(int, string), PendingBatch>((batch.Record.OrgId, batch.Record.Key), batch));
    }

    /// <summary>
    /// Copies the stamps of flushed records into meta.db (one transaction) — called by the pipeline before the ingest
    /// log may forget the records — and then stops remembering them in memory.
    /// </summary>
    public void Persist(IReadOnlyList<IdempotencyRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        store.SaveIdempotency(records);
        foreach (var record in records)
        {
            if (pending.TryGetValue((record.OrgId, record.Key), out var batch) && batch.Record.BatchId == record.BatchId)
            {
                pending.TryRemove(new KeyValuePair<(int, string), PendingBatch>((record.OrgId, record.Key), batch));
            }
        }
    }

    private void Leave((int, string) key, Slot slot)
    {
        lock (slots)
        {
            // Drop the slot when its last user leaves, so the table does not grow with every key ever seen.
            if (--slot.Users == 0)
            {
                slots.Remove(key);
                slot.Gate.Dispose();
            }
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Release(IdempotencyGuard owner, (int, string) key, Slot slot) : IDisposable
    {
        public void Dispose()
        {
            slot.Gate.Release();
            owner.Leave(key, slot);
        }
    }
}

/// <summary>A remembered batch: its answer, and where its record is in the ingest log (-1 when only in meta.db).</summary>
/// <param name="Record">The first answer and the body hash it was given for.</param>
/// <param name="Generation">The ingest log generation the record was appended in (addresses are reused after a reopen).</param>
/// <param name="Address">The record's ingest log address, or -1.</param>
/// <param name="Uncertain">True while its commit timed out and it is not known to be durable.</param>
public sealed record PendingBatch(IdempotencyRecord Record, long Generation, long Address, bool Uncertain);

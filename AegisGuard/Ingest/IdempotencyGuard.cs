using AegisGuard.Storage.Metadata;

namespace AegisGuard.Ingest;

/// <summary>
/// Serialises requests carrying the same (org, x-idempotency-key) so two concurrent retries cannot both append,
/// and remembers accepted batches in meta.db for the idempotency window.
/// </summary>
public sealed class IdempotencyGuard(MetadataStore store)
{
    private readonly Dictionary<(int, string), Slot> slots = [];

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

    public IdempotencyRecord? Find(int orgId, string key, DateTime notBefore) => store.FindIdempotency(orgId, key, notBefore);

    public void Save(IdempotencyRecord record) => store.SaveIdempotency(record);

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

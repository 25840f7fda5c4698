namespace AegisGuard.Ingest;

/// <summary>
/// Lets only as many requests decode at once as there are cores. Decoding is CPU-bound, and each request that decodes
/// holds its rows and its encoded record (several times its body) until it is appended: at 128 concurrent senders on
/// two cores every request decoded at once, latency went to seconds and the process passed 1 GB. Requests waiting here
/// hold only their body, which <see cref="IngestMemoryBudget"/> already bounds. Thread-safe.
/// </summary>
public sealed class IngestDecodeGate : IDisposable
{
    private readonly SemaphoreSlim slots = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>Waits for a slot; dispose the answer to give it back.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    public void Dispose() => slots.Dispose();

    /// <summary>One decode slot, held until disposed.</summary>
    public readonly struct Slot(SemaphoreSlim owner) : IDisposable
    {
        public void Dispose() => owner.Release();
    }
}

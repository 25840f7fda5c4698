using AegisGuard.Hosting;
using Microsoft.Extensions.Options;

namespace AegisGuard.Ingest;

/// <summary>
/// Caps the bytes of ingestion request bodies held in memory at once (raw and decompressed), across all requests and
/// before any of them is authenticated: 48 parallel 16 MiB posts with a made-up key used to take 1 GB. A request that
/// would go over the cap is answered 503 with Retry-After instead of being read, so memory stays bounded at any
/// offered load. Thread-safe.
/// </summary>
public sealed class IngestMemoryBudget(IOptions<AegisOptions> options)
{
    private long reserved;

    /// <summary>Bytes reserved right now.</summary>
    public long Reserved => Interlocked.Read(ref reserved);

    /// <summary>The cap.</summary>
    public long Limit => options.Value.Ingest.MaxInFlightBytes;

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when that would exceed the cap.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long limit = Limit;
        while (true)
        {
            long current = Interlocked.Read(ref reserved);
            // One request may always run alone, however large (its own size limits still apply).
            if (current > 0 && current + bytes > limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref reserved, current + bytes, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    public void Release(long bytes) => Interlocked.Add(ref reserved, -bytes);
}

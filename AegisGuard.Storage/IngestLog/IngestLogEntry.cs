using System.Buffers;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// One record read back from the ingest log, in pooled memory: dispose it once the payload is no longer needed.
/// </summary>
/// <param name="Address">Logical address of the record.</param>
/// <param name="NextAddress">Address right after it: complete or truncate until this to consume the record.</param>
/// <param name="Owner">The pooled memory holding the record.</param>
/// <param name="Length">Bytes of the record at the start of <paramref name="Owner"/>'s memory.</param>
public readonly record struct IngestLogEntry(long Address, long NextAddress, IMemoryOwner<byte> Owner, int Length) : IDisposable
{
    /// <summary>The record bytes.</summary>
    public ReadOnlyMemory<byte> Payload => Owner.Memory[..Length];

    /// <summary>Returns the memory to the pool.</summary>
    public void Dispose() => Owner.Dispose();
}

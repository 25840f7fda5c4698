using System.Buffers;

namespace AegisGuard.Ingest;

/// <summary>
/// A growable buffer in pooled memory that an ingest log record is written into (header, stamp, rows), and whose
/// written bytes stay writable so the header can be completed once the rows' length is known. Small buffers come from
/// the shared pool; large ones are plain arrays, so a burst of large batches does not leave the pool holding on to
/// hundreds of megabytes after it is over.
/// </summary>
public sealed class RecordBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>Buffers up to this size are pooled; larger ones are left to the garbage collector.</summary>
    public const int MaxPooledBytes = 1024 * 1024;

    private byte[] array;

    public RecordBuffer(int initialCapacity = 4096) => array = Rent(Math.Max(256, initialCapacity));

    /// <summary>Bytes written so far.</summary>
    public int WrittenCount { get; private set; }

    /// <summary>The written bytes (writable, to patch a header).</summary>
    public Span<byte> WrittenSpan => array.AsSpan(0, WrittenCount);

    /// <summary>The written bytes as memory (for the ingest log append).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => array.AsMemory(0, WrittenCount);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (WrittenCount + count > array.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }

        WrittenCount += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return array.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return array.AsSpan(WrittenCount);
    }

    public void Dispose()
    {
        Return(array);
        array = [];
        WrittenCount = 0;
    }

    private void Ensure(int sizeHint)
    {
        int needed = WrittenCount + Math.Max(1, sizeHint);
        if (needed <= array.Length)
        {
            return;
        }

        byte[] larger = Rent(Math.Max(needed, array.Length * 2));
        Buffer.BlockCopy(array, 0, larger, 0, WrittenCount);
        Return(array);
        array = larger;
    }

    private static byte[] Rent(int length) => length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

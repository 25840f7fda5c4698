using System.Buffers;

namespace AegisGuard.Benchmarks;

/// <summary>A reusable buffer writer, so encode benchmarks measure the codec rather than buffer growth.</summary>
internal sealed class RowBuffer : IBufferWriter<byte>
{
    private byte[] array = new byte[1 << 20];

    public int WrittenCount { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => array.AsSpan(0, WrittenCount);

    public void Reset() => WrittenCount = 0;

    public void Advance(int count) => WrittenCount += count;

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

    private void Ensure(int sizeHint)
    {
        if (array.Length - WrittenCount < Math.Max(1, sizeHint))
        {
            Array.Resize(ref array, Math.Max(array.Length * 2, WrittenCount + sizeHint));
        }
    }
}

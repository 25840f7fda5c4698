using System.Buffers;
using System.IO.Compression;

namespace AegisGuard.Ingest;

/// <summary>
/// Reads a request body with hard size limits into memory counted against the <see cref="IngestMemoryBudget"/>. Small
/// bodies use pooled arrays; bodies over <see cref="RecordBuffer.MaxPooledBytes"/> use plain arrays the garbage
/// collector gives back after a burst (the shared pool kept 1 GB after 48 parallel 16 MiB posts).
/// </summary>
internal static class RequestBodyReader
{
    private const int Step = 64 * 1024;

    /// <summary>
    /// The body, or why there is none: too large (<see cref="BodyRead.TooLarge"/>) or over the memory budget
    /// (<see cref="BodyRead.Busy"/>).
    /// </summary>
    public static async Task<BodyRead> ReadAsync(HttpRequest request, int maxBytes, IngestMemoryBudget budget, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        if (declared > maxBytes)
        {
            return BodyRead.TooLarge;
        }

        var buffer = BudgetedBuffer.TryCreate(budget, (int)(declared ?? Step));
        if (buffer is null)
        {
            return BodyRead.Busy;
        }

        try
        {
            while (true)
            {
                if (buffer.Length == buffer.Capacity)
                {
                    if (buffer.Length > maxBytes)
                    {
                        buffer.Dispose();
                        return BodyRead.TooLarge;
                    }

                    if (!buffer.TryGrow(Math.Min(maxBytes + 1, Math.Max(buffer.Length * 2, Step))))
                    {
                        buffer.Dispose();
                        return BodyRead.Busy;
                    }
                }

                int read = await request.Body.ReadAsync(buffer.Array.AsMemory(buffer.Length, buffer.Capacity - buffer.Length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Length += read;
                if (buffer.Length > maxBytes)
                {
                    buffer.Dispose();
                    return BodyRead.TooLarge;
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        return new BodyRead(buffer, BodyReadProblem.None);
    }

    /// <summary>Decompresses a gzip body, counting the output against <paramref name="budget"/>.</summary>
    public static GunzipResult Gunzip(ReadOnlyMemory<byte> source, int maxBytes, IngestMemoryBudget budget)
    {
        var buffer = BudgetedBuffer.TryCreate(budget, Math.Min(maxBytes + 1, Math.Max(source.Length * 4, Step)));
        if (buffer is null)
        {
            return GunzipResult.Busy;
        }

        try
        {
            using var input = new GZipStream(new ReadOnlyMemoryStream(source), CompressionMode.Decompress);
            while (true)
            {
                if (buffer.Length == buffer.Capacity)
                {
                    if (buffer.Length > maxBytes)
                    {
                        buffer.Dispose();
                        return GunzipResult.TooLarge;
                    }

                    if (!buffer.TryGrow(Math.Min(maxBytes + 1, buffer.Length * 2)))
                    {
                        buffer.Dispose();
                        return GunzipResult.Busy;
                    }
                }

                int read = input.Read(buffer.Array, buffer.Length, buffer.Capacity - buffer.Length);
                if (read == 0)
                {
                    break;
                }

                buffer.Length += read;
                if (buffer.Length > maxBytes)
                {
                    buffer.Dispose();
                    return GunzipResult.TooLarge;
                }
            }

            return new GunzipResult(buffer, null, false);
        }
        catch (InvalidDataException ex)
        {
            buffer.Dispose();
            return new GunzipResult(null, $"the body is not valid gzip: {ex.Message}", false);
        }
    }

    /// <summary>A read-only stream over memory (MemoryStream needs an array).</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - position);
            memory.Span.Slice(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Why a body could not be read.</summary>
internal enum BodyReadProblem
{
    None,
    TooLarge,
    Busy,
}

/// <summary>A body that was read (<see cref="Buffer"/>), or the problem.</summary>
internal sealed record BodyRead(BudgetedBuffer? Buffer, BodyReadProblem Problem) : IDisposable
{
    public static readonly BodyRead TooLarge = new(null, BodyReadProblem.TooLarge);

    public static readonly BodyRead Busy = new(null, BodyReadProblem.Busy);

    public void Dispose() => Buffer?.Dispose();
}

/// <summary>
/// Bytes in memory counted against the ingest memory budget; <see cref="Length"/> bytes of <see cref="Array"/> are used.
/// </summary>
internal sealed class BudgetedBuffer : IDisposable
{
    private readonly IngestMemoryBudget budget;

    private BudgetedBuffer(IngestMemoryBudget budget, int capacity)
    {
        this.budget = budget;
        Array = Rent(capacity);
        Capacity = capacity;
    }

    public byte[] Array { get; private set; }

    /// <summary>Usable bytes (the rented array may be longer; only these are reserved).</summary>
    public int Capacity { get; private set; }

    public int Length { get; set; }

    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public static BudgetedBuffer? TryCreate(IngestMemoryBudget budget, int capacity)
    {
        capacity = Math.Max(capacity, 256);
        return budget.TryReserve(capacity) ? new BudgetedBuffer(budget, capacity) : null;
    }

    /// <summary>Moves to a larger buffer keeping the bytes; false (unchanged) when the budget refuses the growth.</summary>
    public bool TryGrow(int capacity)
    {
        if (capacity <= Capacity)
        {
            return true;
        }

        if (!budget.TryReserve(capacity - Capacity))
        {
            return false;
        }

        byte[] larger = Rent(capacity);
        Buffer.BlockCopy(Array, 0, larger, 0, Length);
        Return(Array);
        Array = larger;
        Capacity = capacity;
        return true;
    }

    public void Dispose()
    {
        if (Capacity > 0)
        {
            budget.Release(Capacity);
            Return(Array);
            Array = [];
            Capacity = 0;
            Length = 0;
        }
    }

    private static byte[] Rent(int length) =>
        length <= RecordBuffer.MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private static void Return(byte[] array)
    {
        if (array.Length is > 0 and <= RecordBuffer.MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

/// <summary>A decompressed body, or why there is none: <see cref="Error"/> set: corrupt; <see cref="IsBusy"/>: over the memory budget; neither: too large.</summary>
internal sealed record GunzipResult(BudgetedBuffer? Buffer, string? Error, bool IsBusy) : IDisposable
{
    public void Dispose() => Buffer?.Dispose();

    public static readonly GunzipResult TooLarge = new(null, null, false);

    public static readonly GunzipResult Busy = new(null, null, true);
}

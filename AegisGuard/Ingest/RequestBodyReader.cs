using System.Buffers;
using System.IO.Compression;

namespace AegisGuard.Ingest;

/// <summary>
/// Reads a request body with hard size limits into pooled memory, leaving <c>reserve</c> free bytes in front of it
/// so the ingest log record (header + body) is built without another copy. Bodies are up to megabytes: renting
/// them keeps them off the large-object heap, which otherwise grows with every batch.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>The body in <c>Array[reserve..reserve+Length]</c>, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<PooledBuffer?> ReadAsync(HttpRequest request, int maxBytes, int reserve, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        if (declared > maxBytes)
        {
            return null;
        }

        var buffer = new PooledBuffer(reserve + (int)(declared ?? 64 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (reserve + length == buffer.Array.Length)
                {
                    if (length > maxBytes)
                    {
                        buffer.Dispose();
                        return null;
                    }

                    buffer.Grow(reserve + Math.Min(maxBytes + 1, Math.Max(length * 2, 64 * 1024)), reserve + length);
                }

                int read = await request.Body.ReadAsync(buffer.Array.AsMemory(reserve + length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > maxBytes)
                {
                    buffer.Dispose();
                    return null;
                }
            }
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        buffer.Length = length;
        return buffer;
    }

    /// <summary>Decompresses a gzip body into a pooled buffer with <paramref name="reserve"/> free bytes in front.</summary>
    public static GunzipResult Gunzip(byte[] source, int offset, int length, int maxBytes, int reserve)
    {
        var buffer = new PooledBuffer(reserve + Math.Min(maxBytes + 1, Math.Max(length * 4, 64 * 1024)));
        try
        {
            using var input = new GZipStream(new MemoryStream(source, offset, length, writable: false), CompressionMode.Decompress);
            int total = 0;
            while (true)
            {
                if (reserve + total == buffer.Array.Length)
                {
                    if (total > maxBytes)
                    {
                        buffer.Dispose();
                        return GunzipResult.TooLarge;
                    }

                    buffer.Grow(reserve + Math.Min(maxBytes + 1, total * 2), reserve + total);
                }

                int read = input.Read(buffer.Array, reserve + total, buffer.Array.Length - reserve - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    buffer.Dispose();
                    return GunzipResult.TooLarge;
                }
            }

            buffer.Length = total;
            return new GunzipResult(buffer, null);
        }
        catch (InvalidDataException ex)
        {
            buffer.Dispose();
            return new GunzipResult(null, $"the body is not valid gzip: {ex.Message}");
        }
    }
}

/// <summary>An array rented from the shared pool, returned on dispose; <see cref="Length"/> counts the payload after the reserve.</summary>
internal sealed class PooledBuffer(int minimumLength) : IDisposable
{
    public byte[] Array { get; private set; } = ArrayPool<byte>.Shared.Rent(minimumLength);

    public int Length { get; set; }

    /// <summary>Moves to a larger rented array, keeping the first <paramref name="used"/> bytes.</summary>
    public void Grow(int minimumLength, int used)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(minimumLength);
        Buffer.BlockCopy(Array, 0, larger, 0, used);
        ArrayPool<byte>.Shared.Return(Array);
        Array = larger;
    }

    public void Dispose()
    {
        if (Array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Array);
            Array = [];
        }
    }
}

/// <summary>A decompressed body, or why there is none (<see cref="Error"/> set: corrupt; neither set: too large).</summary>
internal sealed record GunzipResult(PooledBuffer? Buffer, string? Error) : IDisposable
{
    public void Dispose() => Buffer?.Dispose();

    public static readonly GunzipResult TooLarge = new(null, null);
}

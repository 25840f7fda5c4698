using System.IO.Compression;

namespace AegisGuard.Ingest;

/// <summary>
/// Reads a request body with hard size limits, leaving <c>reserve</c> free bytes in front of it so the ingest
/// log record (header + body) is built without another copy.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>The body in <c>buffer[reserve..reserve+length]</c>, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<(byte[]? Buffer, int Length)> ReadAsync(HttpRequest request, int maxBytes, int reserve, CancellationToken cancellationToken)
    {
        long? declared = request.ContentLength;
        if (declared > maxBytes)
        {
            return (null, 0);
        }

        byte[] buffer = new byte[reserve + (int)(declared ?? 64 * 1024)];
        int length = 0;
        while (true)
        {
            if (reserve + length == buffer.Length)
            {
                if (length >= maxBytes + 1)
                {
                    return (null, 0);
                }

                Array.Resize(ref buffer, reserve + Math.Min(maxBytes + 1, Math.Max(length * 2, 64 * 1024)));
            }

            int read = await request.Body.ReadAsync(buffer.AsMemory(reserve + length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > maxBytes)
            {
                return (null, 0);
            }
        }

        return (buffer, length);
    }

    /// <summary>Decompresses a gzip body into a new buffer with <paramref name="reserve"/> free bytes in front.</summary>
    public static GunzipResult Gunzip(byte[] source, int offset, int length, int maxBytes, int reserve)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(source, offset, length, writable: false), CompressionMode.Decompress);
            byte[] buffer = new byte[reserve + Math.Min(maxBytes + 1, Math.Max(length * 4, 64 * 1024))];
            int total = 0;
            while (true)
            {
                if (reserve + total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        return GunzipResult.TooLarge;
                    }

                    Array.Resize(ref buffer, reserve + Math.Min(maxBytes + 1, total * 2));
                }

                int read = input.Read(buffer, reserve + total, buffer.Length - reserve - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    return GunzipResult.TooLarge;
                }
            }

            return new GunzipResult(buffer, total, null);
        }
        catch (InvalidDataException ex)
        {
            return new GunzipResult(null, 0, $"the body is not valid gzip: {ex.Message}");
        }
    }
}

/// <summary>A decompressed body, or why there is none (<see cref="Error"/> set: corrupt; neither set: too large).</summary>
internal sealed record GunzipResult(byte[]? Buffer, int Length, string? Error)
{
    public static readonly GunzipResult TooLarge = new(null, 0, null);
}

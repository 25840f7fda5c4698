using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AegisGuard.Identity;

/// <summary>
/// Kestrel answers a request it cannot parse (a malformed request line, headers over the size limit → 400/431, a bad
/// version → 505 …) itself, before any middleware runs, so those answers carry none of <see cref="SecurityHeaders"/>.
/// Kestrel has no hook for them; this connection middleware is the one place that sees them: it wraps the plaintext
/// output of each HTTP/1.x connection and, when Kestrel writes one of its bare rejections (a status line followed only by
/// Content-Length, Connection, Date, Server or Transfer-Encoding — an answer of the app always carries at least the CSP,
/// so it never matches), inserts the security headers into the header block before it is sent. Everything else passes
/// through untouched, without a copy. Endpoints whose TLS Kestrel terminates see only ciphertext here and keep the bare
/// answer (terminate TLS at a proxy, or accept it: those answers have no body and close the connection).
/// </summary>
public static class KestrelRejectionHeaders
{
    // Room for the inserted headers in the buffer Kestrel writes into; a rejection is ~120 bytes.
    private const int MinBuffer = 2048;

    private static readonly byte[] StatusPrefix = "HTTP/1."u8.ToArray();
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly string[] KestrelHeaders = ["content-length", "connection", "date", "server", "transfer-encoding"];

    /// <summary>The header lines inserted into Kestrel's own rejections.</summary>
    public static readonly byte[] Inserted = Encoding.ASCII.GetBytes(
        $"Content-Security-Policy: {SecurityHeaders.ContentSecurityPolicy}\r\n" +
        string.Concat(SecurityHeaders.Fixed.Select(h => $"{h.Key}: {h.Value}\r\n")) +
        $"Cache-Control: {SecurityHeaders.NoStore}\r\n");

    /// <summary>Adds the middleware to an endpoint (Kestrel's <c>ConfigureEndpointDefaults</c> applies it to all).</summary>
    public static ListenOptions UseRejectionHeaders(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => async connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new Duplex(transport.Input, new RejectionWriter(transport.Output));
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = transport;
            }
        });
        return listen;
    }

    /// <summary>
    /// The length of <paramref name="buffer"/>'s first <paramref name="written"/> bytes after inserting
    /// <see cref="Inserted"/>, when they are a whole Kestrel rejection and the buffer has room; otherwise -1 (left alone).
    /// </summary>
    internal static int TryInsert(Span<byte> buffer, int written)
    {
        var span = buffer[..written];
        if (!span.StartsWith(StatusPrefix) || written + Inserted.Length > buffer.Length)
        {
            return -1;
        }

        int end = span.IndexOf(HeaderEnd);
        int firstLineEnd = span.IndexOf("\r\n"u8);
        if (end < 0 || firstLineEnd < 0)
        {
            return -1;
        }

        // Every header line must be one Kestrel writes on a rejection; an app answer has more (at least the CSP).
        var lines = span[(firstLineEnd + 2)..(end + 2)];
        while (lines.Length > 0)
        {
            int lineEnd = lines.IndexOf("\r\n"u8);
            int colon = lines[..lineEnd].IndexOf((byte)':');
            if (colon <= 0 || !IsKestrelHeader(lines[..colon]))
            {
                return -1;
            }

            lines = lines[(lineEnd + 2)..];
        }

        int insertAt = end + 2;
        buffer[insertAt..written].CopyTo(buffer[(insertAt + Inserted.Length)..]);
        Inserted.CopyTo(buffer[insertAt..]);
        return written + Inserted.Length;
    }

    private static bool IsKestrelHeader(ReadOnlySpan<byte> name)
    {
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++)
        {
            chars[i] = char.ToLowerInvariant((char)name[i]);
        }

        foreach (string known in KestrelHeaders)
        {
            if (chars.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class RejectionWriter(PipeWriter inner) : PipeWriter
    {
        private Memory<byte> last;

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            int total = bytes > 0 && bytes <= last.Length ? TryInsert(last.Span, bytes) : -1;
            last = default;
            inner.Advance(total > 0 ? total : bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => last = inner.GetMemory(Math.Max(sizeHint, MinBuffer));

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }
}

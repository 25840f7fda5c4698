namespace AegisGuard.Load;

/// <summary>A request body ready to send: the bytes as sent, their signature, and what they hold.</summary>
/// <param name="Content">Exact bytes sent (gzip when compression is on).</param>
/// <param name="Signature">The <c>x-signature</c> header value for <paramref name="Content"/>.</param>
/// <param name="Events">Number of events in the body.</param>
/// <param name="JsonBytes">Size of the JSON before compression.</param>
/// <param name="OldestTimestamp">Timestamp of the first (oldest) event.</param>
internal sealed record SignedBody(ReadOnlyMemory<byte> Content, string Signature, int Events, int JsonBytes, DateTime OldestTimestamp);

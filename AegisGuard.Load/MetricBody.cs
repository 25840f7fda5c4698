namespace AegisGuard.Load;

/// <summary>A signed <c>POST /v1/metrics</c> body of the metrics benchmark.</summary>
/// <param name="Content">The exact JSON bytes sent.</param>
/// <param name="Signature">The <c>x-signature</c> header value for <paramref name="Content"/>.</param>
/// <param name="Items">Items on the wire (a histogram is one item).</param>
/// <param name="Samples">Samples in Prometheus terms (a histogram item is its buckets, its sum and its count).</param>
internal sealed record MetricBody(byte[] Content, string Signature, int Items, int Samples);

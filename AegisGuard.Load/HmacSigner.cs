using System.Security.Cryptography;
using System.Text;

namespace AegisGuard.Load;

/// <summary>
/// Computes the <c>x-signature</c> header: <c>sha256=</c> followed by the lowercase hex
/// HMAC-SHA256 of the exact bytes sent (the gzip bytes when the body is compressed), keyed with
/// the UTF-8 bytes of the key secret.
/// </summary>
internal sealed class HmacSigner(string secret)
{
    private const string Prefix = "sha256=";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);

    public string Sign(ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, body, mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }
}

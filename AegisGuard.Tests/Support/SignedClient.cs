using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AegisGuard.Identity.ApiKeys;

namespace AegisGuard.Tests.Support;

/// <summary>Sends batches the way an agent does: raw body, x-org-key and x-signature: sha256=HMAC(secret, body).</summary>
public sealed class SignedClient(HttpClient http, string keyId, string secret)
{
    public SignedClient(HttpClient http, CreatedApiKey key) : this(http, key.Id, key.Secret)
    {
    }

    public HttpClient Http => http;

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? idempotencyKey = null, bool gzip = false, string? signature = null,
        string contentType = "application/json")
    {
        byte[] body = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(body);
            }

            body = buffer.ToArray();
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Add("x-org-key", keyId);
        request.Headers.Add("x-signature", signature ?? Sign(secret, body));
        if (idempotencyKey is not null)
        {
            request.Headers.Add("x-idempotency-key", idempotencyKey);
        }

        return http.SendAsync(request);
    }

    /// <summary>GET with Authorization: Bearer id.secret.</summary>
    public Task<HttpResponseMessage> GetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{keyId}.{secret}");
        return http.SendAsync(request);
    }
}

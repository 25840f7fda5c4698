using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Metadata;

namespace AegisGuard.Audit.Sinks;

/// <summary>
/// POSTs each batch as <c>{"entries":[…]}</c> to a URL with <c>x-aegis-signature: sha256=&lt;hex HMAC-SHA256(secret,
/// body)&gt;</c> (the same scheme agents use towards the appliance). Any answer but 2xx counts as not delivered.
/// </summary>
public sealed class WebhookSink(Uri url, string secret) : IAuditSink
{
    public const string SignatureHeader = "x-aegis-signature";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public string Describe => $"webhook {url.GetLeftPart(UriPartial.Path)}";

    public async Task SendAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var body = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteStartArray("entries");
            foreach (var entry in batch)
            {
                AuditEntryJson.Write(json, entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body.WrittenSpan.ToArray()) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SignatureHeader, "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body.WrittenSpan)));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Describe} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query.Traces;

/// <summary>Builds and sends span batches through the signed POST /v1/traces, and reads the traces API.</summary>
public static class TraceBatches
{
    public static Dictionary<string, object?> Span(
        string trace, string id, string? parent, string service, string name, string kind, DateTime start, double ms, string status = "ok",
        Dictionary<string, object>? attributes = null) => new()
    {
        ["trace_id"] = trace,
        ["span_id"] = id,
        ["parent_span_id"] = parent,
        ["service"] = service,
        ["name"] = name,
        ["kind"] = kind,
        ["start"] = Time(start),
        ["end"] = Time(start.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond))),
        ["status"] = status,
        ["attributes"] = attributes ?? [],
    };

    public static string Time(DateTime value) => value.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    public static async Task SendAsync(SignedClient client, params Dictionary<string, object?>[] spans)
    {
        using var response = await client.PostAsync("/v1/traces", JsonSerializer.Serialize(new { spans }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> GetAsync(SignedClient client, string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body.Length == 0 ? "null" : body);
        return (response.StatusCode, document.RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<JsonElement> OkAsync(SignedClient client, string path)
    {
        var (status, body, _) = await GetAsync(client, path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path} answered {(int)status}: {body}");
        return body;
    }
}

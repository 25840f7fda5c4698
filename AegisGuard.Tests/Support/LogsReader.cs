using System.Net;
using System.Text.Json;

namespace AegisGuard.Tests.Support;

/// <summary>Reads GET /api/logs answers.</summary>
public static class LogsReader
{
    public static async Task<List<JsonElement>> ReadAsync(SignedClient client, string query)
    {
        using var response = await client.GetAsync("/api/logs?" + query);
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /api/logs?{query} answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("logs").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    /// <summary>Polls until at least <paramref name="count"/> lines match (freshness is ~1 s, not instant).</summary>
    public static Task<List<JsonElement>> WaitForAsync(SignedClient client, string query, int count, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => ReadAsync(client, query), lines => lines.Count >= count, timeout, $"{count} log lines for '{query}'");
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Known log lines for the Logs page tests: an ingest+read key of org <c>default</c> made with the CLI of the running
/// appliance, signed batches, and a wait until the lines can be queried (freshness is about a second, not instant).
/// </summary>
public sealed class LogsBrowserSupport : IDisposable
{
    private readonly HttpClient http;

    private LogsBrowserSupport(HttpClient http, SignedClient client)
    {
        this.http = http;
        Client = client;
    }

    public SignedClient Client { get; }

    public static async Task<LogsBrowserSupport> CreateAsync(BrowserSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (id, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        return new LogsBrowserSupport(http, new SignedClient(http, id, secret));
    }

    /// <summary>A log line in the wire format, <paramref name="secondsAgo"/> before now.</summary>
    public static Dictionary<string, object?> Line(
        string message, string service, string level, int secondsAgo, string? host = null, string? traceId = null, object? attributes = null)
    {
        var line = new Dictionary<string, object?>
        {
            ["timestamp"] = DateTime.UtcNow.AddSeconds(-secondsAgo).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["service"] = service,
            ["level"] = level,
            ["message"] = message,
            ["attributes"] = attributes ?? new { },
        };
        if (host is not null)
        {
            line["host"] = host;
        }

        if (traceId is not null)
        {
            line["trace_id"] = traceId;
        }

        return line;
    }

    /// <summary>Sends one signed batch and waits until the org has at least <paramref name="expectedTotal"/> lines in the last hour.</summary>
    public async Task SendAsync(int expectedTotal, params object[] lines)
    {
        using (var response = await Client.PostAsync("/v1/logs", Some.LogBatch(lines)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await Poll.UntilAsync(CountAsync, count => count >= expectedTotal, TimeSpan.FromSeconds(20), $"{expectedTotal} queryable log lines");
    }

    private async Task<int> CountAsync()
    {
        using var response = await Client.GetAsync("/api/logs/query?query=%7B%7D&limit=5000&from=" + Uri.EscapeDataString(DateTime.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture)));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("logs").GetArrayLength();
    }

    public void Dispose() => http.Dispose();
}

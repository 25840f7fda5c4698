using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Browser;

/// <summary>
/// Known metric samples for the Metrics page tests: an ingest+read key of org <c>default</c> made with the CLI of the
/// running appliance, signed batches to <c>/v1/metrics</c>, and a wait until the samples can be queried through the
/// Prometheus API (the series catalog and the stored rows follow the 202 within about a second, not instantly).
/// </summary>
public sealed class MetricsBrowserSupport : IDisposable
{
    private readonly HttpClient http;

    private MetricsBrowserSupport(HttpClient http, SignedClient client, string keyId, string secret)
    {
        this.http = http;
        Client = client;
        KeyId = keyId;
        Secret = secret;
    }

    public SignedClient Client { get; }

    public string KeyId { get; }

    public string Secret { get; }

    public static async Task<MetricsBrowserSupport> CreateAsync(BrowserSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (id, secret) = await AppProcess.CreateKeyAsync(session.DataDir);
        var http = new HttpClient { BaseAddress = new Uri(session.App.Url) };
        return new MetricsBrowserSupport(http, new SignedClient(http, id, secret), id, secret);
    }

    /// <summary>A sample in the wire format at <paramref name="at"/>.</summary>
    public static Dictionary<string, object?> Sample(string name, string type, double value, DateTimeOffset at, object labels) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["value"] = value,
        ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["labels"] = labels,
    };

    /// <summary>Sends one signed batch and waits until <paramref name="query"/> has <paramref name="series"/> series at <paramref name="at"/>.</summary>
    public async Task SendAsync(string query, int series, DateTimeOffset at, params object[] samples)
    {
        using (var response = await Client.PostAsync("/v1/metrics", JsonSerializer.Serialize(new { metrics = samples })))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        }

        await Poll.UntilAsync(() => SeriesAtAsync(query, at), count => count >= series, TimeSpan.FromSeconds(20), $"{series} series of {query}");
    }

    /// <summary>The error the Prometheus API gives for a query (it must be a 400 bad_data).</summary>
    public async Task<string> BadQueryErrorAsync(string query)
    {
        using var response = await Client.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("bad_data", json.RootElement.GetProperty("errorType").GetString());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<int> SeriesAtAsync(string query, DateTimeOffset at)
    {
        string time = (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        using var response = await Client.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}&time={time}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("result").GetArrayLength();
    }

    public void Dispose() => http.Dispose();
}

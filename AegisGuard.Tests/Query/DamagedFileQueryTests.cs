using System.Globalization;
using System.Net;
using System.Text.Json;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Storage;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Query;

/// <summary>
/// Every read endpoint over a range holding a deleted, truncated or half-garbage Parquet file: 200 with the other
/// file's lines and a warning naming the damaged one, the file moved to data/quarantine/files and unlisted, a health
/// warning, and a clean answer the next time. Each case has an org of its own with two files (two flushes).
/// </summary>
public sealed class DamagedFileQueryTests(SharedApp app) : IClassFixture<SharedApp>
{
    private static readonly DateTime Start = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, DateTimeKind.Utc).AddHours(-3);

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string damage in new[] { ParquetDamage.Deleted, ParquetDamage.Truncated, ParquetDamage.GarbagePage })
        {
            foreach (string endpoint in new[] { "logs", "query", "metric", "facets", "volume" })
            {
                cases.Add(damage, endpoint);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_damaged_file_is_moved_aside_and_the_read_answers_the_rest_with_a_warning_naming_it(string damage, string endpoint)
    {
        var (client, orgId) = await OrgWithTwoFilesAsync();
        var store = app.Factory.Service<TelemetryStore>();
        var files = store.Manifest.ListFiles(Signal.Logs, orgId, Start, Start.AddHours(1)).OrderBy(f => f.MinTimestamp).ToList();
        Assert.Equal(2, files.Count);
        var victim = files[0];
        ParquetDamage.Apply(damage, System.IO.Path.Combine(store.TelemetryRoot, victim.Path));

        using (var first = await GetOkAsync(client, Path(endpoint)))
        {
            Assert.Equal(4, Lines(endpoint, first.RootElement));
            string warning = Assert.Single(first.RootElement.GetProperty("warnings").EnumerateArray()).GetString()!;
            Assert.Contains(victim.Path, warning, StringComparison.Ordinal);
            Assert.Contains("3 lines", warning, StringComparison.Ordinal);
        }

        Assert.False(store.Manifest.IsListed(victim.Path));
        Assert.False(File.Exists(System.IO.Path.Combine(store.TelemetryRoot, victim.Path)));
        Assert.Equal(damage != ParquetDamage.Deleted, File.Exists(System.IO.Path.Combine(app.Factory.DataDir, "quarantine", "files", victim.Path)));
        var record = store.Manifest.FindDamaged(victim.Path);
        Assert.NotNull(record);
        Assert.Equal((orgId, 3L, victim.Day), (record.Listing.OrgId, record.Listing.Rows, record.Listing.Day));

        using (var health = await GetJsonAsync(app.Factory.CreateClient(), "/healthz"))
        {
            var reported = health.RootElement.GetProperty("warnings").EnumerateArray()
                .Single(w => w.GetProperty("component").GetString() == ParquetFileGuard.HealthPrefix + victim.Path);
            Assert.Contains("restore the file from a backup", reported.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        using (var again = await GetOkAsync(client, Path(endpoint)))
        {
            Assert.Equal(4, Lines(endpoint, again.RootElement));
            Assert.False(again.RootElement.TryGetProperty("warnings", out _));
        }

        using var stats = await GetOkAsync(client, "/api/logs/stats");
        Assert.Equal(4, stats.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(1, stats.RootElement.GetProperty("files").GetInt64());
    }

    [Fact]
    public async Task A_warning_names_only_files_of_the_org_that_asked()
    {
        var (damagedOrg, damagedId) = await OrgWithTwoFilesAsync();
        var (otherOrg, _) = await OrgWithTwoFilesAsync();
        var store = app.Factory.Service<TelemetryStore>();
        var victim = store.Manifest.ListFiles(Signal.Logs, damagedId, Start, Start.AddHours(1)).OrderBy(f => f.MinTimestamp).First();
        ParquetDamage.Apply(ParquetDamage.Truncated, System.IO.Path.Combine(store.TelemetryRoot, victim.Path));

        using (var other = await GetOkAsync(otherOrg, Path("query")))
        {
            Assert.Equal(7, Lines("query", other.RootElement));
            Assert.False(other.RootElement.TryGetProperty("warnings", out _));
        }

        using var own = await GetOkAsync(damagedOrg, Path("query"));
        Assert.Contains($"org={damagedId}/", Assert.Single(own.RootElement.GetProperty("warnings").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    /// <summary>The request for an endpoint: every one reads the message column (so a garbled message chunk matters).</summary>
    private static string Path(string endpoint)
    {
        string range = $"from={Iso(Start)}&to={Iso(Start.AddHours(1))}";
        string lines = Uri.EscapeDataString("{} |= \"line\"");
        return endpoint switch
        {
            "logs" => $"/api/logs?q=line&{range}",
            "query" => $"/api/logs/query?query={lines}&{range}&limit=100",
            "metric" => $"/api/logs/query?query={Uri.EscapeDataString("sum(count_over_time({} |= \"line\" [1h]))")}&{range}&step=3600",
            "facets" => $"/api/logs/facets?query={lines}&{range}",
            _ => $"/api/logs/volume?query={lines}&{range}&step=3600",
        };
    }

    /// <summary>How many lines an answer of <paramref name="endpoint"/> covers.</summary>
    private static long Lines(string endpoint, JsonElement answer) => endpoint switch
    {
        "logs" or "query" => answer.GetProperty("logs").GetArrayLength(),
        "facets" => answer.GetProperty("total").GetInt64(),
        _ => (long)answer.GetProperty("series").EnumerateArray().SelectMany(s => s.GetProperty("points").EnumerateArray()).Sum(p => p[1].GetDouble()),
    };

    /// <summary>A new org with 3 lines in one file and 4 in another (two flushes), all in the first 20 minutes after Start.</summary>
    private async Task<(SignedClient Client, int OrgId)> OrgWithTwoFilesAsync()
    {
        var (org, key) = app.Factory.CreateKey("dmg-" + Guid.NewGuid().ToString("N")[..12]);
        var client = new SignedClient(app.Factory.CreateClient(), key);
        foreach (var (count, minute) in new[] { (3, 5), (4, 15) })
        {
            var lines = Enumerable.Range(0, count)
                .Select(i => Some.Log($"line {minute}.{i}", timestamp: Iso(Start.AddMinutes(minute).AddSeconds(i), escape: false)))
                .ToArray();
            using var response = await client.PostAsync("/v1/logs", Some.LogBatch(lines));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            int expected = minute == 5 ? 3 : 7;
            await Poll.UntilAsync(async () =>
            {
                using var answer = await GetOkAsync(client, Path("query"));
                return answer.RootElement.GetProperty("logs").GetArrayLength();
            }, n => n == expected, what: $"{expected} lines of org {org.Slug}");
        }

        return (client, org.Id);
    }

    private static async Task<JsonDocument> GetOkAsync(SignedClient client, string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static string Iso(DateTime time, bool escape = true)
    {
        string text = time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        return escape ? Uri.EscapeDataString(text) : text;
    }
}

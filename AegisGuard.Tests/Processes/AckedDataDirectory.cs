using System.Net;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// A data directory made once per test class by the real executable: 15,000 log events acknowledged (202) over many
/// flushes, all queryable, then a clean SIGTERM. Each test takes a copy of its own (<see cref="CopyTo"/>) and damages
/// one thing in it.
/// </summary>
public sealed class AckedDataDirectory : IAsyncLifetime
{
    public const int Groups = 3;
    public const int EventsPerGroup = 5_000;
    private const int BatchSize = 500;
    private readonly TempDirectory template = new();

    public string KeyId { get; private set; } = string.Empty;

    public string Secret { get; private set; } = string.Empty;

    /// <summary>Paths (relative to the data directory) and sizes of the Parquet files after the clean stop.</summary>
    public IReadOnlyDictionary<string, long> ParquetFiles { get; private set; } = new Dictionary<string, long>();

    public static string Message(int group, int index) => $"acked-{group}-{index:D5}";

    public async Task InitializeAsync()
    {
        using var app = await AppProcess.StartAsync(template.Path);
        (KeyId, Secret) = await AppProcess.CreateKeyAsync(template.Path);
        var client = Client(app);
        for (int group = 0; group < Groups; group++)
        {
            for (int first = 0; first < EventsPerGroup; first += BatchSize)
            {
                int g = group;
                string body = Some.LogBatch(Enumerable.Range(first, BatchSize).Select(i => Some.Log(Message(g, i))).ToArray());
                using var response = await client.PostAsync("/v1/logs", body);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }
        }

        await AssertEveryEventOnceAsync(client);
        Assert.Equal(0, await app.TerminateAsync(TimeSpan.FromSeconds(30)));
        ParquetFiles = Snapshot(template.Path);
        Assert.True(ParquetFiles.Count > 1, "the acked events should span several Parquet files");
    }

    /// <summary>Copies the directory into <paramref name="target"/> (a test's own temp directory).</summary>
    public void CopyTo(string target)
    {
        foreach (string file in Directory.EnumerateFiles(template.Path, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(template.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    public SignedClient Client(AppProcess app) => new(new HttpClient { BaseAddress = new Uri(app.Url) }, KeyId, Secret);

    /// <summary>Every acknowledged event is queryable, and none twice.</summary>
    public static async Task AssertEveryEventOnceAsync(SignedClient client)
    {
        for (int group = 0; group < Groups; group++)
        {
            string query = $"q=acked-{group}-&from=2020-01-01T00:00:00Z&limit=10000";
            var lines = await Poll.UntilAsync(
                () => LogsReader.ReadAsync(client, query),
                found => found.Count >= EventsPerGroup,
                TimeSpan.FromSeconds(60),
                $"{EventsPerGroup} events of group {group}");
            var messages = lines.Select(l => l.GetProperty("message").GetString()!).ToList();
            int g = group;
            Assert.Equal(Enumerable.Range(0, EventsPerGroup).Select(i => Message(g, i)), messages.Order(StringComparer.Ordinal));
        }
    }

    public static Dictionary<string, long> Snapshot(string dataDir)
    {
        string telemetry = Path.Combine(dataDir, "telemetry");
        return Directory.EnumerateFiles(telemetry, "*.parquet", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dataDir, f).Replace('\\', '/'), f => new FileInfo(f).Length);
    }

    public Task DisposeAsync()
    {
        template.Dispose();
        return Task.CompletedTask;
    }
}

using System.Net;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// One copy of a data directory damaged per case, holding acknowledged batches that are still only in the ingest log
/// (the pipeline was told never to flush before the kill -9): the appliance never starts "ready" without them. It
/// refuses with one line on stderr naming the file, the problem and the remedy (no stack trace), starts with the loss
/// reported when told to accept it, and a damaged newest commit file costs nothing.
/// </summary>
[Trait("Category", "Process")]
public sealed class IngestLogDamageTests
{
    private const int Batches = 30;
    private const int BatchSize = 100;
    private static readonly string[] NeverFlush = ["--Aegis:Pipeline:FlushInterval=01:00:00", "--Aegis:Pipeline:FlushMaxRows=10000000"];
    private static readonly string[] AcceptLoss = ["--Aegis:Recovery:AcceptIngestLogDataLoss=true"];
    private static readonly string[] CommitFolders = ["commits", "log-commits"];

    [Theory]
    [InlineData("truncated")]
    [InlineData("missing")]
    public async Task A_damaged_segment_holding_unstored_batches_refuses_to_start_with_one_clear_line(string damage)
    {
        using var data = new TempDirectory();
        var (keyId, secret, run) = await AcknowledgeUnstoredAsync(data.Path);
        string segment = Path.Combine(data.Path, "ingest", "ingest.log.0");
        if (damage == "missing")
        {
            File.Delete(segment);
        }
        else
        {
            using var stream = new FileStream(segment, FileMode.Open);
            stream.SetLength(stream.Length / 2);
        }

        var (exit, stdout, stderr) = await AppProcess.RunCliAsync("serve", "--urls", AppProcess.FreeUrl(), "--data", data.Path);

        Assert.NotEqual(0, exit);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(segment, line, StringComparison.Ordinal);
        Assert.Contains(damage, line, StringComparison.Ordinal);
        Assert.Contains("acknowledged batches that are not yet stored", line, StringComparison.Ordinal);
        Assert.Contains("AcceptIngestLogDataLoss=true", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);

        // Told to accept the loss, it starts and says what was lost; what survived is stored.
        using var app = await AppProcess.StartAsync(data.Path, requireReady: true, AcceptLoss);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        string health = await client.Http.GetStringAsync("/healthz");
        Assert.Contains("LOST", health, StringComparison.Ordinal);
        using var accepted = await client.PostAsync("/v1/logs", Some.Logs(10, $"after-{run}"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await LogsReader.WaitForAsync(client, $"q=after-{run}&from=2020-01-01T00:00:00Z", 10);
        if (damage == "truncated")
        {
            var survivors = await LogsReader.ReadAsync(client, $"q=dmg-{run}-&from=2020-01-01T00:00:00Z&limit=10000");
            Assert.InRange(survivors.Count, 1, Batches * BatchSize - 1);
        }
    }

    [Fact]
    public async Task Garbage_in_every_commit_file_refuses_to_start_naming_the_file_instead_of_crashing()
    {
        using var data = new TempDirectory();
        await AcknowledgeUnstoredAsync(data.Path);
        foreach (string file in CommitFiles(data.Path))
        {
            File.WriteAllBytes(file, Enumerable.Range(0, 512).Select(i => (byte)(i * 31 + 7)).ToArray());
        }

        var (exit, stdout, stderr) = await AppProcess.RunCliAsync("serve", "--urls", AppProcess.FreeUrl(), "--data", data.Path);

        Assert.NotEqual(0, exit);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(Path.Combine(data.Path, "ingest"), line, StringComparison.Ordinal);
        Assert.Contains("commit", line, StringComparison.Ordinal);
        Assert.Contains("backup", line, StringComparison.Ordinal);
        Assert.DoesNotContain("IndexOutOfRange", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_newest_commit_file_costs_no_acknowledged_batch()
    {
        using var data = new TempDirectory();
        var (keyId, secret, run) = await AcknowledgeUnstoredAsync(data.Path);
        string newest = CommitFiles(data.Path).OrderByDescending(f => long.Parse(Path.GetFileName(f).Split('.')[1], System.Globalization.CultureInfo.InvariantCulture)).First();
        byte[] bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);

        using var app = await AppProcess.StartAsync(data.Path);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        var stored = await LogsReader.WaitForAsync(client, $"q=dmg-{run}-&from=2020-01-01T00:00:00Z&limit=10000", Batches * BatchSize, TimeSpan.FromSeconds(60));
        Assert.Equal(Batches * BatchSize, stored.Select(l => l.GetProperty("message").GetString()).Distinct().Count());
        Assert.Contains("damaged", await client.Http.GetStringAsync("/healthz"), StringComparison.Ordinal);
    }

    /// <summary>The ingest log's commit files (data/ingest/commits; data/ingest/log-commits as FASTER itself wrote them before).</summary>
    private static IEnumerable<string> CommitFiles(string data) =>
        CommitFolders.Select(folder => Path.Combine(data, "ingest", folder)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles);

    /// <summary>A data directory holding <see cref="Batches"/> acknowledged batches that were never flushed (kill -9).</summary>
    private static async Task<(string KeyId, string Secret, string Run)> AcknowledgeUnstoredAsync(string data)
    {
        string run = Guid.NewGuid().ToString("N")[..8];
        using var app = await AppProcess.StartAsync(data, requireReady: true, NeverFlush);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        for (int batch = 0; batch < Batches; batch++)
        {
            using var response = await client.PostAsync("/v1/logs", Some.LogBatch(Enumerable.Range(0, BatchSize).Select(i => Some.Log($"dmg-{run}-{batch:D3}-{i:D3}")).ToArray()));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        app.Kill();
        return (keyId, secret, run);
    }
}

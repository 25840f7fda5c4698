using System.Collections.Concurrent;
using System.Net;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// The real executable with its data directory on a small filesystem that really fills up (tmpfs; the free-space
/// guard lowered to 0 so nothing stops it early): ingestion answers 503, never a 202 that is lost; a start on the
/// full disk comes up serving reads; and ingestion resumes by itself when space returns, without a restart.
/// </summary>
[Trait("Category", "Process")]
[Trait("Category", "DiskFull")]
public sealed class DiskFullTests
{
    private const int Producers = 4;
    private const int BatchSize = 20;
    private static readonly string[] NoGuard = ["--Aegis:Ingest:MinFreeDiskBytes=0"];

    [Fact]
    public async Task A_disk_that_fills_answers_503_never_a_lost_202_and_ingestion_resumes_by_itself_when_space_returns()
    {
        using var disk = new TmpfsMount(64 * 1024 * 1024);
        string data = Path.Combine(disk.Path, "data");
        using var app = await AppProcess.StartAsync(data, requireReady: true, NoGuard);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        string run = Guid.NewGuid().ToString("N")[..8];
        var acked = new ConcurrentDictionary<string, byte>();
        var unexpected = new ConcurrentQueue<string>();

        disk.Fill(leave: 6 * 1024 * 1024);
        await ProduceUntilRefusedAsync(client, run, 0, acked, unexpected);

        Assert.True(unexpected.IsEmpty, $"answers other than 202/503: {string.Join(" | ", unexpected.Take(3))}\n{app.Output}");
        Assert.False(acked.IsEmpty, "nothing was acknowledged before the disk filled");
        var health = await HealthAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.Status);
        Assert.Contains("data disk is full", health.Body, StringComparison.Ordinal);

        disk.Release();
        await WaitUntilAcceptedAsync(client, run, acked, app);
        await AssertStoredExactlyOnceAsync(client, run, acked, app);
    }

    [Fact]
    public async Task Start_on_a_full_disk_serves_reads_and_refuses_ingest_until_space_returns()
    {
        using var disk = new TmpfsMount(64 * 1024 * 1024);
        string data = Path.Combine(disk.Path, "data");
        string run = Guid.NewGuid().ToString("N")[..8];
        var acked = new ConcurrentDictionary<string, byte>();
        var unexpected = new ConcurrentQueue<string>();
        var app = await AppProcess.StartAsync(data, requireReady: true, NoGuard);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data);
        try
        {
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            // Some batches stored in Parquet first, so there is something to read on the full disk.
            for (int i = 0; i < 5; i++)
            {
                await SendAsync(client, run, 9, i, acked, unexpected);
            }

            await LogsReader.WaitForAsync(client, $"q=df-{run}-9-&from=2020-01-01T00:00:00Z&limit=1000", 5 * BatchSize);
            disk.Fill(leave: 6 * 1024 * 1024);
            await ProduceUntilRefusedAsync(client, run, 0, acked, unexpected);
            disk.Fill(); // whatever room a failed write left: now nothing at all
            app.Kill();

            app = await AppProcess.StartAsync(data, requireReady: false, NoGuard);
            client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            var health = await HealthAsync(client);
            Assert.True(health.Status == HttpStatusCode.ServiceUnavailable, $"/healthz on a full disk: {(int)health.Status} {health.Body}\n{app.Output}");
            Assert.Contains("data disk is full", health.Body, StringComparison.Ordinal);
            List<System.Text.Json.JsonElement> stored;
            try
            {
                stored = await LogsReader.ReadAsync(client, $"q=df-{run}-9-&from=2020-01-01T00:00:00Z&limit=1000");
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"{ex.Message}\n{app.Output}", ex);
            }

            Assert.Equal(5 * BatchSize, stored.Count);
            using (var refused = await client.PostAsync("/v1/logs", Batch(run, 8, 0, [])))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            disk.Release();
            await WaitUntilAcceptedAsync(client, run, acked, app);
            Assert.True(unexpected.IsEmpty, $"answers other than 202/503: {string.Join(" | ", unexpected.Take(3))}");
            await AssertStoredExactlyOnceAsync(client, run, acked, app);
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task With_the_default_guard_ingestion_answers_503_before_the_disk_fills_and_resumes_when_space_is_freed()
    {
        using var disk = new TmpfsMount(320L * 1024 * 1024);
        string data = Path.Combine(disk.Path, "data");
        using var app = await AppProcess.StartAsync(data, requireReady: true);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        string run = Guid.NewGuid().ToString("N")[..8];
        var acked = new ConcurrentDictionary<string, byte>();
        var unexpected = new ConcurrentQueue<string>();
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(client, run, 0, 0, acked, unexpected));

        disk.Fill(leave: 200L * 1024 * 1024); // below the default 256 MiB guard, far from full
        var refused = await Poll.UntilAsync(async () =>
            {
                using var response = await client.PostAsync("/v1/logs", Batch(run, 1, 0, []));
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }, r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), "a 503 from the free-space guard");
        Assert.Contains("free on the data disk", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAsync(client)).Status);

        disk.Release();
        await WaitUntilAcceptedAsync(client, run, acked, app);
        await AssertStoredExactlyOnceAsync(client, run, acked, app);
    }

    /// <summary>Producers send until each has seen a few 503s (the disk is full) or a minute has passed.</summary>
    private static async Task ProduceUntilRefusedAsync(SignedClient client, string run, int firstProducer,
        ConcurrentDictionary<string, byte> acked, ConcurrentQueue<string> unexpected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        await Task.WhenAll(Enumerable.Range(firstProducer, Producers).Select(p => Task.Run(async () =>
        {
            int refused = 0;
            for (int batch = 0; refused < 5 && DateTime.UtcNow < deadline; batch++)
            {
                if (await SendAsync(client, run, p, batch, acked, unexpected) == HttpStatusCode.ServiceUnavailable)
                {
                    refused++;
                }
            }
        })));
        Assert.True(DateTime.UtcNow < deadline, "the disk never filled up: no 503 within 90 s");
    }

    private static async Task<HttpStatusCode> SendAsync(SignedClient client, string run, int producer, int batch,
        ConcurrentDictionary<string, byte> acked, ConcurrentQueue<string> unexpected)
    {
        var ids = Enumerable.Range(0, BatchSize).Select(i => $"df-{run}-{producer}-{batch:D5}-{i:D2}").ToList();
        using var response = await client.PostAsync("/v1/logs", Batch(run, producer, batch, ids));
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            ids.ForEach(id => acked[id] = 0);
        }
        else if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            unexpected.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response.StatusCode;
    }

    private static string Batch(string run, int producer, int batch, List<string> ids)
    {
        if (ids.Count == 0)
        {
            ids = [$"df-{run}-{producer}-probe-{Guid.NewGuid():N}"];
        }

        // ~1 KiB of incompressible text per event, so a few hundred batches fill the disk.
        return Some.LogBatch(ids.Select(id => Some.Log(id, attributes: new { padding = Convert.ToHexString(Guid.NewGuid().ToByteArray()).PadRight(1024, 'x') + Guid.NewGuid() })).ToArray());
    }

    /// <summary>Ingestion resumes by itself: a batch is accepted again (no restart), and it counts as acknowledged.</summary>
    private static async Task WaitUntilAcceptedAsync(SignedClient client, string run, ConcurrentDictionary<string, byte> acked, AppProcess app)
    {
        try
        {
            await Poll.UntilAsync(async () =>
                {
                    var ids = new List<string> { $"df-{run}-7-canary-{Guid.NewGuid():N}" };
                    using var response = await client.PostAsync("/v1/logs", Batch(run, 7, 0, ids));
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        ids.ForEach(id => acked[id] = 0);
                    }

                    return response.StatusCode;
                }, s => s == HttpStatusCode.Accepted, TimeSpan.FromSeconds(60), "ingestion to resume after space was freed");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n/healthz: {(await HealthAsync(client)).Body}\n{app.Output}", ex);
        }
    }

    private static async Task AssertStoredExactlyOnceAsync(SignedClient client, string run, ConcurrentDictionary<string, byte> acked, AppProcess app)
    {
        var stored = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            stored = [];
            foreach (string prefix in acked.Keys.Select(k => k[..(k.IndexOf('-', 12) + 1)]).Distinct())
            {
                var lines = await LogsReader.ReadAsync(client, $"q={prefix}&from=2020-01-01T00:00:00Z&limit=10000");
                stored.AddRange(lines.Select(l => l.GetProperty("message").GetString()!));
            }

            if (acked.Keys.All(stored.ToHashSet().Contains))
            {
                break;
            }

            await Task.Delay(500);
        }

        var missing = acked.Keys.Except(stored).ToList();
        var duplicates = stored.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        string diagnostics = missing.Count == 0 && duplicates.Count == 0 ? string.Empty : $"\n/healthz: {(await HealthAsync(client)).Body}\n{app.Output}";
        Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged events are missing, e.g. {string.Join(", ", missing.Take(3))}{diagnostics}");
        Assert.True(duplicates.Count == 0, $"{duplicates.Count} events stored twice, e.g. {string.Join(", ", duplicates.Take(3))}{diagnostics}");
    }

    private static async Task<(HttpStatusCode Status, string Body)> HealthAsync(SignedClient client)
    {
        using var response = await client.Http.GetAsync("/healthz");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

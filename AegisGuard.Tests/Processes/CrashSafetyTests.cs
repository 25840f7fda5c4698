using System.Collections.Concurrent;
using System.Net;
using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// The real executable under kill -9: concurrent producers, a SIGKILL mid-stream, a restart — and every event
/// that got a 202 is stored exactly once (events whose request failed may be stored, but never twice).
/// </summary>
[Trait("Category", "Process")]
public sealed class CrashSafetyTests
{
    private const int Producers = 8;
    private const int BatchSize = 100;
    private const int MaxBatchesPerProducer = 40; // 4000 events per producer: one /api/logs page each

    [Fact]
    public async Task Every_acknowledged_event_survives_two_kill_9s_exactly_once()
    {
        using var data = new TempDirectory();
        var acked = new ConcurrentDictionary<string, byte>();
        var sent = new ConcurrentDictionary<string, byte>();
        var nextBatch = new int[Producers];
        string run = Guid.NewGuid().ToString("N")[..8];

        var app = await AppProcess.StartAsync(data.Path);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path); // the CLI, while the server runs
        try
        {
            for (int round = 0; round < 2; round++)
            {
                await ProduceThenKillAsync(app, keyId, secret, run, nextBatch, sent, acked, killAfterAcks: 60 * (round + 1));
                Assert.False(acked.IsEmpty, "no batch was acknowledged before the kill");
                app.Dispose();
                app = await AppProcess.StartAsync(data.Path);
            }

            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);

            // Wait until every acknowledged event is visible and the stored set has stopped changing (batches that
            // were durable but never acknowledged may land too — they must not land twice either).
            var stored = new List<string>();
            int previousCount = -1;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                stored = await ReadStoredAsync(client, run);
                var visible = stored.ToHashSet();
                if (acked.Keys.All(visible.Contains) && stored.Count == previousCount)
                {
                    break;
                }

                previousCount = stored.Count;
                await Task.Delay(1000);
            }

            var duplicates = stored.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            var missing = acked.Keys.Except(stored).ToList();
            string diagnostics = duplicates.Count == 0 && missing.Count == 0
                ? string.Empty
                : $"\n/healthz: {await client.Http.GetStringAsync("/healthz")}\nserver output:\n{app.Output}";
            Assert.True(duplicates.Count == 0, $"{duplicates.Count} events stored twice, e.g. {string.Join(", ", duplicates.Take(3))}{diagnostics}");
            Assert.True(missing.Count == 0, $"{missing.Count} of {acked.Count} acknowledged events are missing, e.g. {string.Join(", ", missing.Take(3))}{diagnostics}");
            Assert.All(stored, m => Assert.Contains(m, sent.Keys));
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task Sigterm_drains_accepted_batches_into_parquet_before_exiting()
    {
        using var data = new TempDirectory();
        var app = await AppProcess.StartAsync(data.Path);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
        var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
        int accepted = 0;
        for (int i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(BatchSize, $"drain {i}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted += BatchSize;
        }

        int exitCode = await app.TerminateAsync(TimeSpan.FromSeconds(30));
        app.Dispose();

        Assert.Equal(0, exitCode);
        // Open the store offline: the rows are in listed Parquet files without any replay.
        using var store = new TelemetryStore(new DataDirectory(data.Path));
        Assert.Equal(accepted, store.Manifest.Totals(AegisGuard.Storage.Telemetry.Signal.Logs).Rows);
    }

    private static async Task ProduceThenKillAsync(AppProcess app, string keyId, string secret, string run, int[] nextBatch,
        ConcurrentDictionary<string, byte> sent, ConcurrentDictionary<string, byte> acked, int killAfterAcks)
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.Url), Timeout = TimeSpan.FromSeconds(10) };
        var client = new SignedClient(http, keyId, secret);
        int ackedBatches = 0;
        using var stop = new CancellationTokenSource();
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && nextBatch[p] < MaxBatchesPerProducer)
            {
                int batch = nextBatch[p]++;
                var ids = Enumerable.Range(0, BatchSize).Select(i => $"evt-{run}-{p}-{batch}-{i}").ToList();
                ids.ForEach(id => sent[id] = 0);
                try
                {
                    using var response = await client.PostAsync("/v1/logs", Some.LogBatch(ids.Select(id => Some.Log(id)).ToArray()));
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        ids.ForEach(id => acked[id] = 0);
                        Interlocked.Increment(ref ackedBatches);
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone: this batch is unacknowledged
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        })).ToList();

        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref ackedBatches)), n => n >= killAfterAcks, TimeSpan.FromSeconds(60), "acknowledged batches");
        app.Kill(); // SIGKILL while producers are still sending
        await stop.CancelAsync();
        await Task.WhenAll(producers);
    }

    private static async Task<List<string>> ReadStoredAsync(SignedClient client, string run)
    {
        var stored = new List<string>();
        for (int p = 0; p < Producers; p++)
        {
            var lines = await LogsReader.ReadAsync(client, $"q=evt-{run}-{p}-&from=2020-01-01T00:00:00Z&limit=10000");
            stored.AddRange(lines.Select(l => l.GetProperty("message").GetString()!));
        }

        return stored;
    }
}

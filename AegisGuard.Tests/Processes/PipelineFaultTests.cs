using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// The real executable attacked the way the issue saw it fail: poison batches, kill -9 with idempotent retries, a
/// restart with a backlog, raw PII looked for on disk, an unauthenticated flood.
/// </summary>
[Trait("Category", "Process")]
public sealed class PipelineFaultTests
{
    [Fact]
    public async Task Poison_batches_never_stop_storing_and_a_canary_is_queryable_within_seconds_also_after_a_restart()
    {
        using var data = new TempDirectory();
        var app = await AppProcess.StartAsync(data.Path);
        try
        {
            var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            foreach (var (path, body) in PoisonBatches())
            {
                using var response = await PostRawAsync(client, path, body, secret, keyId);
                Assert.True((int)response.StatusCode < 500, $"{path} {Encoding.UTF8.GetString(body)} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await CanaryAsync(client, "before-restart");
            app.Kill();
            app.Dispose();
            app = await AppProcess.StartAsync(data.Path);
            client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);

            await CanaryAsync(client, "after-restart");
            using var health = await client.Http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task Batches_accepted_before_a_kill_are_queryable_when_healthz_first_says_ready_without_new_traffic()
    {
        using var data = new TempDirectory();
        // Nothing is flushed in this run: every accepted batch is only in the ingest log when the process dies.
        var app = await AppProcess.StartAsync(data.Path, "--Aegis:Pipeline:FlushInterval=01:00:00", "--Aegis:Ingest:MaxBacklogAge=01:00:00");
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
        string marker = Guid.NewGuid().ToString("N");
        try
        {
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            for (int i = 0; i < 5; i++)
            {
                using var response = await client.PostAsync("/v1/logs", Some.Logs(200, $"{marker}-{i}"));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            app.Kill();
        }
        finally
        {
            app.Dispose();
        }

        // StartAsync returns once /healthz answers 200: by then the backlog must be stored, not merely read.
        app = await AppProcess.StartAsync(data.Path);
        try
        {
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            var lines = await LogsReader.ReadAsync(client, $"q={marker}&from=2020-01-01T00:00:00Z&limit=5000");
            Assert.Equal(1000, lines.Count);
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task Acked_batches_survive_kill_9_and_retries_with_the_same_idempotency_key_store_nothing_twice()
    {
        const int Producers = 6, BatchSize = 50, Batches = 40;
        using var data = new TempDirectory();
        var app = await AppProcess.StartAsync(data.Path);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
        string run = Guid.NewGuid().ToString("N")[..8];
        var bodies = new ConcurrentDictionary<string, string>();
        var acked = new ConcurrentDictionary<string, string>();
        try
        {
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url), Timeout = TimeSpan.FromSeconds(10) }, keyId, secret);
            int ackedCount = 0;
            using var stop = new CancellationTokenSource();
            var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
            {
                for (int b = 0; b < Batches && !stop.IsCancellationRequested; b++)
                {
                    string key = $"{run}-{p}-{b}";
                    string body = Some.LogBatch(Enumerable.Range(0, BatchSize).Select(i => Some.Log($"idem-{run} {key} {i}")).ToArray());
                    bodies[key] = body;
                    try
                    {
                        using var response = await client.PostAsync("/v1/logs", body, idempotencyKey: key);
                        if (response.StatusCode == HttpStatusCode.Accepted)
                        {
                            acked[key] = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("batchId").GetString()!;
                            Interlocked.Increment(ref ackedCount);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        return; // the server is gone: unanswered
                    }
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref ackedCount)), n => n >= 60, TimeSpan.FromSeconds(60), "acknowledged batches");
            app.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(producers);
        }
        finally
        {
            app.Dispose();
        }

        app = await AppProcess.StartAsync(data.Path);
        try
        {
            // What the README tells agents to do: resend every batch that got no answer (and, here, every answered one
            // too) with the same key and body. Each must get a 202 whose batch id is the first one, where there was one.
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            foreach (var (key, body) in bodies)
            {
                using var response = await client.PostAsync("/v1/logs", body, idempotencyKey: key);
                string text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"retry of {key} answered {(int)response.StatusCode}: {text}");
                if (acked.TryGetValue(key, out string? first))
                {
                    Assert.Equal(first, JsonDocument.Parse(text).RootElement.GetProperty("batchId").GetString());
                }
            }

            var stored = await Poll.UntilAsync(() => ReadAllAsync(client, run, Producers),
                lines => lines.Count >= bodies.Count * BatchSize, TimeSpan.FromSeconds(60), "every batch stored");
            // Once everything the log holds is stored, a duplicate would be visible.
            await Poll.UntilAsync(async () => JsonDocument.Parse(await client.Http.GetStringAsync("/healthz")).RootElement.GetProperty("pipeline").GetProperty("backlogBytes").GetInt64(),
                backlog => backlog == 0, TimeSpan.FromSeconds(30), "an empty backlog");
            var messages = await ReadAllAsync(client, run, Producers);
            var twice = messages.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} events stored twice, e.g. {string.Join(", ", twice.Take(3))}");
            Assert.Equal(bodies.Count * BatchSize, messages.Count);
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task No_raw_pii_is_left_anywhere_under_the_data_dir_after_the_batch_is_stored()
    {
        using var data = new TempDirectory();
        var app = await AppProcess.StartAsync(data.Path);
        string[] secrets = ["zelda.fitzgerald@example.com", "4111111111111111", "4111-1111-1111-1111", "078-05-1120"];
        try
        {
            var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
            var client = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            string marker = Guid.NewGuid().ToString("N");
            string body = Some.LogBatch(
                Some.Log($"{marker} signup zelda.fitzgerald@example.com card 4111-1111-1111-1111 ssn 078-05-1120",
                    attributes: new { email = "zelda.fitzgerald@example.com", payment = new { card = "4111111111111111" } }));
            using (var response = await client.PostAsync("/v1/logs", body, idempotencyKey: marker))
            {
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            await LogsReader.WaitForAsync(client, $"q={marker}", 1);
            AssertNotOnDisk(data.Path, secrets);
            Assert.Equal(0, await app.TerminateAsync(TimeSpan.FromSeconds(30)));
            AssertNotOnDisk(data.Path, secrets);
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task An_unknown_key_is_refused_before_the_body_is_read()
    {
        using var data = new TempDirectory();
        using var app = await AppProcess.StartAsync(data.Path);
        var uri = new Uri(app.Url);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        using var stream = tcp.GetStream();
        // Announce 16 MiB, send a few bytes of it, and wait: the answer must not need the rest.
        string head = "POST /v1/logs HTTP/1.1\r\nHost: " + uri.Authority + "\r\nContent-Type: application/json\r\nContent-Length: 16777216\r\n" +
            "x-org-key: obs_not_a_key\r\nx-signature: sha256=" + new string('0', 64) + "\r\n\r\n{\"logs\":[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answer = new byte[512];
        int read = await stream.ReadAsync(answer, timeout.Token);

        Assert.StartsWith("HTTP/1.1 401", Encoding.ASCII.GetString(answer, 0, read), StringComparison.Ordinal);
    }

    private static async Task<List<string>> ReadAllAsync(SignedClient client, string run, int producers)
    {
        var messages = new List<string>();
        for (int p = 0; p < producers; p++)
        {
            var lines = await LogsReader.ReadAsync(client, $"q={run}-{p}-&from=2020-01-01T00:00:00Z&limit=10000");
            messages.AddRange(lines.Select(l => l.GetProperty("message").GetString()!));
        }

        return messages;
    }

    /// <summary>The hostile batches the issue found stopping the landed pipeline, signed with a valid key.</summary>
    private static IEnumerable<(string Path, byte[] Body)> PoisonBatches()
    {
        string now = Some.Now();
        yield return ("/v1/logs", Encoding.UTF8.GetBytes($$$"""{"logs":[{"timestamp":"{{{now}}}","message":"lone","attributes":{"v":"\ud800"}}]}"""));
        yield return ("/v1/logs", Encoding.UTF8.GetBytes($$$$"""{"logs":[{"timestamp":"{{{{now}}}}","message":"lone key","attributes":{"a":{"\udc00x":1}}}]}"""));
        yield return ("/v1/traces", Encoding.UTF8.GetBytes($$$"""{"spans":[{"trace_id":"t1","span_id":"s1","name":"n","start":"{{{now}}}","duration_ms":1,"attributes":{"k":"\ud800"}}]}"""));
        yield return ("/v1/traces", Encoding.UTF8.GetBytes($$$"""{"spans":[{"trace_id":"t1","span_id":"s2","name":"n","start":"{{{now}}}","duration_ms":1e15}]}"""));
        yield return ("/v1/rum", Encoding.UTF8.GetBytes($$$"""{"events":[{"type":"view","session_id":"s","timestamp":"{{{now}}}","attributes":{"\ud83d":"x"}}]}"""));
        byte[] invalidUtf8 = Encoding.UTF8.GetBytes($$$"""{"logs":[{"timestamp":"{{{now}}}","message":"mail a@b.com X 1 Y"}]}""");
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'X')] = 0xC3; // a lead byte with no continuation, next to '@'/digits
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'Y')] = 0xFF;
        yield return ("/v1/logs", invalidUtf8);
    }

    private static async Task<HttpResponseMessage> PostRawAsync(SignedClient client, string path, byte[] body, string secret, string keyId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-org-key", keyId);
        request.Headers.Add("x-signature", SignedClient.Sign(secret, body));
        return await client.Http.SendAsync(request);
    }

    private static async Task CanaryAsync(SignedClient client, string name)
    {
        string marker = $"canary-{name}-{Guid.NewGuid():N}";
        using (var response = await client.PostAsync("/v1/logs", Some.Logs(1, marker)))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await LogsReader.WaitForAsync(client, $"q={marker}", 1, TimeSpan.FromSeconds(10));
    }

    private static void AssertNotOnDisk(string root, string[] values)
    {
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted while we looked (a truncated log segment, a temp file)
            }

            foreach (string value in values)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) < 0, $"{value} is in {Path.GetRelativePath(root, file)}");
            }
        }
    }
}

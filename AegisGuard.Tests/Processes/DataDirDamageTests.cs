using System.Net;
using System.Text.Json;
using AegisGuard.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace AegisGuard.Tests.Processes;

/// <summary>
/// One copy of a data directory holding 15,000 acknowledged events per test, one thing damaged in it, then the real
/// executable started on it: a lost index is rebuilt (never a reason to delete data), lost credentials are never
/// re-seeded (start-up refuses, naming the file, the problem and the remedy), a lost key ring is a visible 503 state.
/// </summary>
[Trait("Category", "Process")]
public sealed class DataDirDamageTests(AckedDataDirectory acked, ITestOutputHelper output) : IClassFixture<AckedDataDirectory>
{
    [Fact]
    public async Task Deleted_manifest_is_rebuilt_from_the_files_and_every_acked_event_is_queryable_once()
    {
        using var data = CopyOfAckedData();
        DeleteDatabase(data.Path, "manifest.db");

        using var app = await AppProcess.StartAsync(data.Path);
        var client = acked.Client(app);

        await AckedDataDirectory.AssertEveryEventOnceAsync(client);
        Assert.Equal(acked.ParquetFiles, AckedDataDirectory.Snapshot(data.Path));
        var warning = await WarningAsync(client, "manifest");
        Assert.Contains("manifest.db was missing", warning, StringComparison.Ordinal);
        Assert.Contains($"rebuilt from {acked.ParquetFiles.Count} files ({AckedDataDirectory.Groups * AckedDataDirectory.EventsPerGroup} rows)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_deleted_after_a_kill_9_under_load_is_rebuilt_without_losing_or_doubling_an_acked_event()
    {
        using var data = new TempDirectory();
        var app = await AppProcess.StartAsync(data.Path);
        var (keyId, secret) = await AppProcess.CreateKeyAsync(data.Path);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            using (var http = new HttpClient { BaseAddress = new Uri(app.Url), Timeout = TimeSpan.FromSeconds(10) })
            {
                var client = new SignedClient(http, keyId, secret);
                using var stop = new CancellationTokenSource();
                int ackedBatches = 0;
                var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
                {
                    for (int batch = 0; batch < 25 && !stop.IsCancellationRequested; batch++)
                    {
                        var ids = Enumerable.Range(0, 100).Select(i => $"killed-{p}-{batch:D2}-{i:D3}").ToList();
                        try
                        {
                            using var response = await client.PostAsync("/v1/logs", Some.LogBatch(ids.Select(id => Some.Log(id)).ToArray()));
                            if (response.StatusCode == HttpStatusCode.Accepted)
                            {
                                ids.ForEach(acknowledged.Add);
                                Interlocked.Increment(ref ackedBatches);
                            }
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                        {
                            return; // the server is gone: this batch is unacknowledged
                        }
                    }
                })).ToList();

                await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref ackedBatches)), n => n >= 40, TimeSpan.FromSeconds(60), "acknowledged batches");
                app.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(producers);
            }

            app.Dispose();
            DeleteDatabase(data.Path, "manifest.db");
            app = await AppProcess.StartAsync(data.Path);

            var reader = new SignedClient(new HttpClient { BaseAddress = new Uri(app.Url) }, keyId, secret);
            await Poll.UntilAsync(
                async () => JsonDocument.Parse(await reader.Http.GetStringAsync("/healthz")).RootElement.GetProperty("pipeline").GetProperty("backlogBytes").GetInt64(),
                backlog => backlog == 0,
                TimeSpan.FromSeconds(60),
                "the replay to finish");
            output.WriteLine(string.Join('\n', app.Output.Split('\n').Where(l => l.Contains("manifest.db", StringComparison.Ordinal))));
            var stored = (await LogsReader.ReadAsync(reader, "q=killed-&from=2020-01-01T00:00:00Z&limit=10000")).Select(l => l.GetProperty("message").GetString()!).ToList();
            var missing = acknowledged.Except(stored).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged events are missing, e.g. {string.Join(", ", missing.Take(3))}\n{app.Output}");
            var doubled = stored.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(doubled.Count == 0, $"{doubled.Count} events stored twice, e.g. {string.Join(", ", doubled.Take(3))}\n{app.Output}");
        }
        finally
        {
            app.Dispose();
        }
    }

    [Fact]
    public async Task Garbage_manifest_is_kept_aside_and_rebuilt_and_every_acked_event_is_queryable_once()
    {
        using var data = CopyOfAckedData();
        DeleteDatabase(data.Path, "manifest.db");
        byte[] garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(data.Path, "manifest.db"), garbage);

        using var app = await AppProcess.StartAsync(data.Path);
        var client = acked.Client(app);

        await AckedDataDirectory.AssertEveryEventOnceAsync(client);
        Assert.Equal(acked.ParquetFiles, AckedDataDirectory.Snapshot(data.Path));
        string aside = Assert.Single(Directory.GetFiles(data.Path, "manifest.db.damaged-*"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(aside));
        var warning = await WarningAsync(client, "manifest");
        Assert.Contains("manifest.db was damaged", warning, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(aside), warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_meta_db_refuses_to_start_naming_the_file_and_the_remedy_and_recreates_nothing()
    {
        using var data = CopyOfAckedData();
        DeleteDatabase(data.Path, "meta.db");
        var before = Listing(data.Path);

        var serve = await AppProcess.RunCliAsync("serve", "--urls", "http://127.0.0.1:0", "--data", data.Path);
        var keys = await AppProcess.RunCliAsync("keys", "create", "--org", "default", "--name", "k", "--data", data.Path);
        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);

        foreach (var (exit, stdout, stderr) in new[] { serve, keys, verify })
        {
            Assert.True(exit == 1, $"exit {exit}: {stderr}");
            string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(Path.Combine(data.Path, "meta.db"), line, StringComparison.Ordinal);
            Assert.Contains("is missing", line, StringComparison.Ordinal);
            Assert.Contains("default admin", line, StringComparison.Ordinal);
            Assert.Contains("Restore meta.db", line, StringComparison.Ordinal);
            Assert.Contains("move the whole data directory", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(data.Path, "meta.db")));
        Assert.Equal(before, Listing(data.Path));
    }

    [Fact]
    public async Task Damaged_meta_db_pages_refuse_start_and_audit_verify_exits_1_with_one_clear_message()
    {
        using var data = CopyOfAckedData();
        string metaDb = Path.Combine(data.Path, "meta.db");
        DamagePages(metaDb);

        var serve = await AppProcess.RunCliAsync("serve", "--urls", "http://127.0.0.1:0", "--data", data.Path);
        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);

        Assert.Equal(1, serve.ExitCode);
        Assert.Equal(1, verify.ExitCode);
        foreach (var (_, stdout, stderr) in new[] { serve, verify })
        {
            string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"{metaDb}: is damaged (SQLite: ", line, StringComparison.Ordinal);
            Assert.Contains(".recover", line, StringComparison.Ordinal);
            Assert.Contains("restore meta.db from a backup", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Missing_key_ring_is_not_ready_and_answers_503_until_the_ring_is_restored()
    {
        using var data = CopyOfAckedData();
        string keys = Path.Combine(data.Path, "keys");
        string saved = Path.Combine(data.Path, "keys.saved");
        Directory.Move(keys, saved);

        using (var degraded = await AppProcess.StartServingAsync(data.Path))
        {
            var client = acked.Client(degraded);
            using var health = await client.Http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var problem = await ProblemAsync(health, "key-ring");
            Assert.Contains("Restore data/keys from the backup taken with meta.db", problem, StringComparison.Ordinal);

            using var ingest = await client.PostAsync("/v1/logs", Some.Logs(1, "while the ring is gone"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ingest.StatusCode);
            Assert.Equal("application/problem+json", ingest.Content.Headers.ContentType?.MediaType);
            using (var body = JsonDocument.Parse(await ingest.Content.ReadAsStringAsync()))
            {
                Assert.Equal("key_ring_unavailable", body.RootElement.GetProperty("error").GetString());
                Assert.Contains("data/keys", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }

            using var read = await client.GetAsync("/api/logs?q=acked-0-&limit=1");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.Equal(0, await degraded.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        // No replacement ring was made behind the operator's back.
        Assert.False(Directory.Exists(keys) && Directory.EnumerateFiles(keys).Any(), "a new key ring was created while the old one was missing");
        if (Directory.Exists(keys))
        {
            Directory.Delete(keys);
        }

        Directory.Move(saved, keys);
        using var restored = await AppProcess.StartAsync(data.Path);
        var again = acked.Client(restored);
        using (var accepted = await again.PostAsync("/v1/logs", Some.Logs(3, "after the ring came back")))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await LogsReader.WaitForAsync(again, "q=after%20the%20ring%20came%20back&from=2020-01-01T00:00:00Z", 3);
        await AckedDataDirectory.AssertEveryEventOnceAsync(again);
    }

    [Fact]
    public async Task An_unlisted_parquet_file_that_is_no_flush_leftover_is_quarantined_not_deleted()
    {
        using var data = CopyOfAckedData();
        string listed = acked.ParquetFiles.Keys.Order(StringComparer.Ordinal).First();
        string folder = Path.GetDirectoryName(listed)!.Replace('\\', '/');
        string stray = $"{folder}/00000000000001-00000000000002.parquet"; // below the flushed position: no interrupted flush wrote it
        File.Copy(Path.Combine(data.Path, listed), Path.Combine(data.Path, stray));
        byte[] content = await File.ReadAllBytesAsync(Path.Combine(data.Path, stray));

        using var app = await AppProcess.StartAsync(data.Path);
        var client = acked.Client(app);

        string relative = stray["telemetry/".Length..];
        string quarantined = Path.Combine(data.Path, "quarantine", "files", relative);
        Assert.False(File.Exists(Path.Combine(data.Path, stray)));
        Assert.True(File.Exists(quarantined), $"{quarantined} should hold the unlisted file");
        Assert.Equal(content, await File.ReadAllBytesAsync(quarantined));
        var warning = await WarningAsync(client, "storage.unlisted-files");
        Assert.Contains(relative, warning, StringComparison.Ordinal);
        await AckedDataDirectory.AssertEveryEventOnceAsync(client);
        Assert.Equal(acked.ParquetFiles, AckedDataDirectory.Snapshot(data.Path));
    }

    private TempDirectory CopyOfAckedData()
    {
        var data = new TempDirectory();
        acked.CopyTo(data.Path);
        return data;
    }

    private static void DeleteDatabase(string dataDir, string name)
    {
        foreach (string part in new[] { name, name + "-wal", name + "-shm" })
        {
            File.Delete(Path.Combine(dataDir, part));
        }
    }

    /// <summary>Folds the WAL into the file, then overwrites every page but the first (the header) with garbage.</summary>
    private static void DamagePages(string path)
    {
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        const int page = 4096;
        var garbage = new byte[page];
        new Random(7).NextBytes(garbage);
        for (long offset = page; offset < file.Length; offset += page)
        {
            file.Position = offset;
            file.Write(garbage);
        }
    }

    private static SortedDictionary<string, long> Listing(string dataDir) => new(
        Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dataDir, f), f => new FileInfo(f).Length), StringComparer.Ordinal);

    private static async Task<string> WarningAsync(SignedClient client, string component)
    {
        using var health = await client.Http.GetAsync("/healthz");
        string body = await health.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var warning = json.RootElement.GetProperty("warnings").EnumerateArray()
            .FirstOrDefault(w => w.GetProperty("component").GetString() == component);
        Assert.True(warning.ValueKind == JsonValueKind.Object, $"/healthz lists no warning '{component}': {body}");
        return warning.GetProperty("reason").GetString()!;
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage health, string component)
    {
        string body = await health.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var problem = json.RootElement.GetProperty("problems").EnumerateArray()
            .FirstOrDefault(w => w.GetProperty("component").GetString() == component);
        Assert.True(problem.ValueKind == JsonValueKind.Object, $"/healthz lists no problem '{component}': {body}");
        return problem.GetProperty("reason").GetString()!;
    }
}

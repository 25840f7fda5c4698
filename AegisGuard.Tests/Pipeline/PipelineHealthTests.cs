using System.Net;
using System.Text.Json;
using AegisGuard.Ingest;
using AegisGuard.Pipeline;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Pipeline;

/// <summary>
/// /healthz tells the truth while the pipeline cannot store, and ingestion pushes back (503 + Retry-After) instead of
/// piling up work or memory it cannot get rid of.
/// </summary>
public sealed class PipelineHealthTests
{
    [Fact]
    public async Task A_failing_flush_makes_healthz_not_ready_with_the_reason_and_ready_again_once_it_recovers()
    {
        using var factory = new AegisAppFactory();
        var (org, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        string blocker = BlockTodaysPartition(factory.DataDir, org.Id);

        using (var accepted = await client.PostAsync("/v1/logs", Some.Logs(5, "blocked")))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var degraded = await Poll.UntilAsync(() => HealthAsync(client), h => h.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), "/healthz to say not ready");
        var problem = degraded.Body.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("component").GetString() == Normalizer.WriteHealthComponent);
        Assert.Contains("Parquet", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("degraded", degraded.Body.GetProperty("status").GetString());

        File.Delete(blocker);
        await Poll.UntilAsync(() => HealthAsync(client), h => h.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "/healthz to be ready again");
        Assert.Equal(5, (await LogsReader.WaitForAsync(client, "q=blocked", 5)).Count);
    }

    [Fact]
    public async Task Ingestion_answers_503_with_retry_after_while_accepted_batches_wait_too_long_and_202_once_they_are_stored()
    {
        using var factory = new AegisAppFactory(new Dictionary<string, string?> { ["Aegis:Ingest:MaxBacklogAge"] = "00:00:01" });
        var (org, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        string blocker = BlockTodaysPartition(factory.DataDir, org.Id);
        using (var first = await client.PostAsync("/v1/logs", Some.Logs(1, "waits")))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var refused = await Poll.UntilAsync(async () =>
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(1, "refused"));
            return (response.StatusCode, response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), "a 503");
        Assert.True(refused.Delta >= TimeSpan.FromSeconds(1), "Retry-After is missing");
        Assert.Contains("NOT accepted", refused.Body, StringComparison.Ordinal);
        await Poll.UntilAsync(() => HealthAsync(client), h => h.Body.GetProperty("problems").EnumerateArray().Any(p => p.GetProperty("component").GetString() == PipelineWatchdog.BacklogComponent),
            TimeSpan.FromSeconds(10), "/healthz to name the backlog");

        File.Delete(blocker);
        await Poll.UntilAsync(async () =>
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(1, "later"));
            return response.StatusCode;
        }, s => s == HttpStatusCode.Accepted, TimeSpan.FromSeconds(20), "a 202 again");
    }

    [Fact]
    public async Task A_request_over_the_memory_budget_is_refused_with_503_and_retry_after_before_it_is_read()
    {
        using var factory = new AegisAppFactory();
        var (_, key) = factory.CreateKey();
        var client = new SignedClient(factory.CreateClient(), key);
        var budget = factory.Service<IngestMemoryBudget>();
        Assert.True(budget.TryReserve(budget.Limit)); // as if other requests held all of it

        try
        {
            using var response = await client.PostAsync("/v1/logs", Some.Logs(10));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        finally
        {
            budget.Release(budget.Limit);
        }

        using var accepted = await client.PostAsync("/v1/logs", Some.Logs(10));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(0, budget.Reserved);
    }

    /// <summary>Puts a file where today's log partition folder of <paramref name="orgId"/> goes, so flushes fail; returns it.</summary>
    private static string BlockTodaysPartition(string dataDir, int orgId)
    {
        string org = Path.Combine(dataDir, "telemetry", "logs", $"org={orgId}");
        Directory.CreateDirectory(org);
        string day = Path.Combine(org, $"day={DateTime.UtcNow:yyyy-MM-dd}");
        File.WriteAllText(day, "not a folder");
        return day;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(SignedClient client)
    {
        using var response = await client.Http.GetAsync("/healthz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}

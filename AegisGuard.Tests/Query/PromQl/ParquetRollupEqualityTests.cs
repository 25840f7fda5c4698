using System.Net;
using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Parquet.Metrics;
using AegisGuard.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// The same raw-vs-rollup equality through the real path: the scenario is sent signed to <c>POST /v1/metrics</c>, stored
/// in Parquet by the pipeline, rolled up by the app's follower, and read through the app's <see cref="IMetricStore"/>.
/// The wire format has no NaN, so this run has no NaN or stale markers (the in-memory run has them).
/// </summary>
public sealed class ParquetRollupEqualityTests(SharedApp app) : IClassFixture<SharedApp>
{
    [Fact]
    public async Task Rollups_kept_by_the_app_answer_every_query_as_its_raw_samples_do()
    {
        var (org, key) = app.Factory.CreateKey("rollup-equality");
        var client = new SignedClient(app.Factory.CreateClient(), key);
        long hour = 3_600_000;
        long baseMs = ((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / hour) - RollupScenario.Hours - 2) * hour;
        var scenario = new RollupScenario(baseMs);
        foreach (string body in scenario.WireBatches(2_000))
        {
            using var response = await client.PostAsync("/v1/metrics", body);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var store = app.Factory.Services.GetRequiredService<IMetricStore>();
        var parquet = app.Factory.Services.GetRequiredService<ParquetMetricStore>();
        var all = new MetricSelectRequest
        {
            OrgId = org.Id,
            Matchers = [new LabelMatcher("__name__", LabelMatchType.Regex, ".+")],
            FromMs = baseMs,
            ToMs = scenario.EndMs,
        };
        await Poll.UntilAsync(
            async () => (await store.SelectAsync(all, default)).Sum(s => s.Values.Length) == scenario.FiniteSampleCount && parquet.IsCaughtUp,
            done => done, TimeSpan.FromMinutes(2), "every sample stored and rolled up");

        long start = baseMs + hour;
        long end = scenario.EndMs;
        var differences = new List<string>();
        int compared = 0;
        foreach (var (queries, tolerance) in new[] { (RollupEquality.ExactQueries(), 0.0), (RollupEquality.RoundedQueries(), 1e-12) })
        {
            foreach (string query in queries)
            {
                foreach (long step in RollupEquality.StepsMs)
                {
                    var (found, points, reads) = await RollupEquality.CompareAsync(store, org.Id, query, start, end, step, tolerance);
                    differences.AddRange(found);
                    compared += points;
                    differences.AddRange(reads.Where(r => r.Function is not null && (r.RollupResolutionMs is null || r.RawSeries > 0))
                        .Select(r => $"{query} step {step / 1000}s: {r.Selector} read {r.RawSeries} series raw, resolution {r.RollupResolutionMs}"));
                }
            }
        }

        Assert.True(compared > 50_000, $"only {compared} points compared");
        Assert.True(differences.Count == 0, $"{differences.Count} differences in {compared} points:\n" + string.Join("\n", differences.Take(30)));
    }
}

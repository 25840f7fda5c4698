using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AegisGuard.Identity.ApiKeys;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Tests.Ingest.Fuzz;
using AegisGuard.Tests.Support;
using Xunit.Abstractions;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// Thousands of generated hostile bodies (see <see cref="HostileBodies"/>) signed and sent to all four endpoints.
/// What an agent and the pipeline must be able to rely on: no answer is a 5xx (agents retry those forever), every
/// refusal is problem+json that says why, whatever is acknowledged can be decoded and scrubbed for storage, and the
/// pipeline still stores new data afterwards. Fixed seed in CI; run longer by hand with
/// <c>AEGIS_FUZZ_REQUESTS=50000 AEGIS_FUZZ_SEED=7 dotnet test … --filter HostileIngestionFuzzTests</c>.
/// </summary>
public sealed class HostileIngestionFuzzTests(ITestOutputHelper output)
{
    private const int DefaultRequests = 3000;
    private const int DefaultSeed = 20261201;

    [Fact]
    public async Task Hostile_bodies_never_get_a_5xx_and_every_acknowledged_batch_can_be_stored()
    {
        int requests = Setting("AEGIS_FUZZ_REQUESTS", DefaultRequests);
        int seed = Setting("AEGIS_FUZZ_SEED", DefaultSeed);
        using var factory = new AegisAppFactory();
        var (_, key) = factory.CreateKey();
        var http = factory.CreateClient();
        var generator = new HostileBodies(seed);
        var scrubber = new PiiScrubber(PiiMode.Redact, new byte[32]);
        var statuses = new SortedDictionary<int, int>();
        var serverErrors = new List<string>();
        var badRefusals = new List<string>();
        var unstorable = new List<string>();

        for (int i = 0; i < requests; i++)
        {
            var body = generator.Next();
            using var response = await SendAsync(http, key, body);
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            string answer = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                serverErrors.Add($"#{i} {body.Path} ({body.Description}) → {status}: {Shorten(answer)}\n    body: {body.Preview()}");
            }
            else if (status == 202)
            {
                string? why = WhyNotStorable(body, scrubber);
                if (why is not null)
                {
                    unstorable.Add($"#{i} {body.Path} ({body.Description}) was acknowledged but {why}\n    body: {body.Preview()}");
                }
            }
            else if (!IsProblemWithDetail(response, answer))
            {
                badRefusals.Add($"#{i} {body.Path} ({body.Description}) → {status} {response.Content.Headers.ContentType}: {Shorten(answer)}");
            }
        }

        output.WriteLine($"seed {seed}, {requests} requests: " + string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}")));
        output.WriteLine($"5xx: {serverErrors.Count}, refusals without problem+json detail: {badRefusals.Count}, acknowledged but not storable: {unstorable.Count}");
        foreach (string line in serverErrors.Take(15).Concat(badRefusals.Take(15)).Concat(unstorable.Take(15)))
        {
            output.WriteLine(line);
        }

        // The pipeline is still alive after all of that: a new batch becomes queryable within seconds.
        var client = new SignedClient(factory.CreateClient(), key);
        string canary = "canary" + Guid.NewGuid().ToString("N");
        using var canaryResponse = await client.PostAsync("/v1/logs", Some.Logs(3, canary));
        Assert.Equal(HttpStatusCode.Accepted, canaryResponse.StatusCode);
        var lines = await LogsReader.WaitForAsync(client, $"q={canary}", 3, TimeSpan.FromSeconds(20));

        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} of {requests} hostile requests answered 5xx; first: {serverErrors.FirstOrDefault()}");
        Assert.True(badRefusals.Count == 0, $"{badRefusals.Count} refusals were not problem+json with a detail; first: {badRefusals.FirstOrDefault()}");
        Assert.True(unstorable.Count == 0, $"{unstorable.Count} acknowledged batches cannot be stored; first: {unstorable.FirstOrDefault()}");
        Assert.Equal(3, lines.Count);
        Assert.True(statuses.GetValueOrDefault(202) > requests / 20, "the generator should leave some batches valid");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, CreatedApiKey key, HostileBody body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, body.Path) { Content = new ByteArrayContent(body.Bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
        if (body.Gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.Add("x-org-key", key.Id);
        request.Headers.Add("x-signature", SignedClient.Sign(key.Secret, body.Bytes));
        return await http.SendAsync(request);
    }

    /// <summary>Decodes an acknowledged body the way the normalizer does (any time window, the org's scrubber).</summary>
    private static string? WhyNotStorable(HostileBody body, PiiScrubber scrubber)
    {
        byte[] payload = body.Bytes;
        if (body.Gzip)
        {
            using var input = new GZipStream(new MemoryStream(body.Bytes), CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            input.CopyTo(inflated);
            payload = inflated.ToArray();
        }

        var context = new DecodeContext
        {
            ReceivedAt = DateTime.UtcNow,
            OldestAllowed = DateTime.MinValue,
            NewestAllowed = DateTime.MaxValue,
            Scrubber = scrubber,
        };
        try
        {
            var outcome = body.Path switch
            {
                "/v1/logs" => new LogBatchDecoder().Decode(payload, context).Outcome,
                "/v1/metrics" => new MetricBatchDecoder().Decode(payload, context).Outcome,
                "/v1/traces" => new SpanBatchDecoder().Decode(payload, context).Outcome,
                _ => new RumBatchDecoder().Decode(payload, context).Outcome,
            };
            return outcome == DecodeOutcome.Ok ? null : $"decodes as {outcome} ({string.Join("; ", context.Errors)})";
        }
        catch (Exception ex)
        {
            return $"decoding it threw {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static bool IsProblemWithDetail(HttpResponseMessage response, string answer)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.TryGetProperty("detail", out var detail) && !string.IsNullOrWhiteSpace(detail.GetString());
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;
}

using System.Globalization;
using System.Text;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Ingest.Fuzz;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// The metric decoder's single pass (MetricBatchDecoder.Whole.cs) must give exactly the rows the document path gives,
/// and must give up — leaving the answer to the document path — on everything else. Compared on generated valid batches
/// (every field form an agent sends: epoch units, RFC 3339 with offsets, histograms with and without +Inf, dotted names,
/// null labels) and on the fuzz suite's hostile bodies.
/// </summary>
public sealed class MetricSinglePassTests
{
    private static readonly PiiScrubber Scrubber = new(PiiMode.Redact, new byte[32], PiiRules.IpAddresses);

    [Fact]
    public void Valid_batches_decode_to_the_same_rows_by_either_path()
    {
        var random = new Random(20261202);
        var single = new MetricBatchDecoder();
        var document = new MetricBatchDecoder { SinglePass = false };
        int taken = 0;
        for (int batch = 0; batch < 200; batch++)
        {
            byte[] body = ValidBatch(random, random.Next(1, 60));
            var expected = document.Decode(body, Context());
            Assert.Equal(DecodeOutcome.Ok, expected.Outcome);

            // The first sight of a label set is left to the document path, which caches it: the second decode of the
            // same bytes must then take the single pass, and both must match the document path's rows.
            var first = single.Decode(body, Context());
            var whole = single.TryDecodeWhole(body, Context());
            Assert.NotNull(whole);
            taken++;
            Assert.Equal(Describe(expected.Rows), Describe(first.Rows));
            Assert.Equal(Describe(expected.Rows), Describe(whole));
            Assert.Equal(expected.ItemCount, whole.Count);
        }

        Assert.Equal(200, taken);
    }

    [Fact]
    public void Hostile_bodies_get_the_same_outcome_rows_and_errors_by_either_path()
    {
        var generator = new HostileBodies(20261202);
        var single = new MetricBatchDecoder();
        var document = new MetricBatchDecoder { SinglePass = false };
        int compared = 0, valid = 0;
        for (int i = 0; i < 4000; i++)
        {
            var body = generator.Next();
            if (body.Path != "/v1/metrics" || body.Gzip)
            {
                continue;
            }

            for (int round = 0; round < 2; round++)
            {
                // Round two meets warm caches, so label sets seen in round one take the single pass.
                var a = Context();
                var b = Context();
                var expected = document.Decode(body.Bytes, a);
                var actual = single.Decode(body.Bytes, b);
                Assert.Equal(expected.Outcome, actual.Outcome);
                Assert.Equal(expected.ItemCount, actual.ItemCount);
                Assert.Equal(expected.Problem, actual.Problem);
                Assert.Equal(string.Join("\n", a.Errors), string.Join("\n", b.Errors));
                Assert.Equal(Describe(expected.Rows), Describe(actual.Rows));
                valid += expected.Outcome == DecodeOutcome.Ok ? 1 : 0;
                compared++;
            }
        }

        Assert.True(compared > 1000, $"only {compared} metric bodies compared");
        Assert.True(valid > 50, $"only {valid} of them valid: the single pass was hardly exercised");
    }

    [Theory]
    [InlineData("""{"name":"x","type":"GAUGE","value":1}""", null, "an upper-case type (lower-cased by the document path)")]
    [InlineData("""{"name":"x","type":"gauge","value":1,"timestamp":"1764676800"}""", null, "an epoch number sent as a string")]
    [InlineData("""{"name":"x","type":"counter","value":-1}""", "value", "a negative counter")]
    [InlineData("""{"n\u0061me":"x","type":"gauge","value":1}""", null, "an escaped field name")]
    [InlineData("""{"name":"x","type":"histogram","sum":1,"buckets":[{"le":2,"count":3},{"le":1,"count":4}]}""", "buckets[1].le", "descending bounds")]
    public void The_single_pass_gives_up_on_what_the_document_path_must_decide(string item, string? errorField, string why)
    {
        byte[] body = Encoding.UTF8.GetBytes($$"""{"metrics":[{{item}}]}""");
        var single = new MetricBatchDecoder();

        Assert.Null(single.TryDecodeWhole(body, Context()));
        var context = Context();
        var result = single.Decode(body, context);
        if (errorField is null)
        {
            Assert.Equal(DecodeOutcome.Ok, result.Outcome);
        }
        else
        {
            Assert.True(result.Outcome == DecodeOutcome.Invalid, why);
            Assert.Contains(context.Errors, e => e.Field == errorField);
        }
    }

    private static DecodeContext Context() => new()
    {
        ReceivedAt = new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc),
        OldestAllowed = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        NewestAllowed = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Scrubber = Scrubber,
        SourceAddress = 4242,
    };

    private static byte[] ValidBatch(Random random, int items)
    {
        var text = new StringBuilder("""{"metrics":[""");
        for (int i = 0; i < items; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(ValidItem(random));
        }

        return Encoding.UTF8.GetBytes(text.Append("]}").ToString());
    }

    private static string ValidItem(Random random)
    {
        string[] names = ["http_requests_total", "http.server.duration", "queue:depth", "_cpu", "a.b.c"];
        string[] labels = ["""{"service":"api","route":"/orders"}""", """{"client_ip":"10.1.2.3"}""", "{}", "null",
            """{"zone":"eu.west","n":3,"ok":true}""", """{"b":"2","a":"1"}"""];
        var fields = new List<string> { $"\"name\":\"{names[random.Next(names.Length)]}\"" };
        int kind = random.Next(3);
        fields.Add(kind switch { 0 => "\"type\":\"gauge\"", 1 => "\"type\":\"counter\"", _ => "\"type\":\"histogram\"" });
        if (kind == 2)
        {
            int n = random.Next(1, 6);
            long count = 0;
            var buckets = new List<string>();
            for (int b = 0; b < n; b++)
            {
                count += random.Next(0, 5);
                string extra = random.Next(4) == 0 ? ",\"exemplar\":{\"x\":1}" : "";
                buckets.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"le\":{0.05 * (b + 1) * (b + 1)},\"count\":{count}{extra}}}"));
            }

            bool inf = random.Next(2) == 0;
            if (inf)
            {
                count += random.Next(0, 3);
                // System.Text.Json's writer escapes the plus by default: a .NET client sends "\u002BInf".
                string[] spellings = ["\"+Inf\"", "\"Inf\"", "\"inf\"", "\"+inf\"", "\"\\u002BInf\"", "\"\\u002binf\""];
                buckets.Add($"{{\"count\":{count},\"le\":{spellings[random.Next(spellings.Length)]}}}");
            }

            fields.Add($"\"buckets\":[{string.Join(",", buckets)}]");
            fields.Add(string.Create(CultureInfo.InvariantCulture, $"\"sum\":{random.NextDouble() * 100:R}"));
            if (random.Next(2) == 0)
            {
                fields.Add($"\"count\":{count}");
            }
        }
        else
        {
            double value = kind == 1 ? random.Next(0, 100000) : (random.NextDouble() - 0.5) * 1e6;
            fields.Add(string.Create(CultureInfo.InvariantCulture, $"\"value\":{value:R}"));
        }

        string[] times = ["1764676800", "1764676800.25", "1764676800123", "1764676800123456", "1764676800123456789",
            "\"2026-12-02T11:00:00Z\"", "\"2026-12-02T11:00:00.123456789Z\"", "\"2026-12-02T13:00:00+02:00\"", "\"2026-12-02t11:00:00.5z\""];
        int t = random.Next(times.Length + 1);
        if (t < times.Length)
        {
            fields.Add($"\"timestamp\":{times[t]}");
        }

        if (random.Next(5) != 0)
        {
            fields.Add($"\"labels\":{labels[random.Next(labels.Length)]}");
        }

        fields = [.. fields.OrderBy(_ => random.Next())];
        return "{" + string.Join(",", fields) + "}";
    }

    private static string Describe(IEnumerable<MetricPoint> rows) => string.Join("\n", rows.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"{r.Timestamp:O}|{r.Name}|{r.Type}|{r.Value:R}|{r.Count}|{Join(r.BucketBounds)}|{Join(r.BucketCounts)}|{r.LabelsJson}|{r.SourceAddress}|{r.SourceIndex}")));

    private static string Join<T>(T[]? values) => values is null ? "-" : string.Join(",", values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v}")));
}

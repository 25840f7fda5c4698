using System.Text;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// Label sets are decoded once per thread and reused (LabelSetCache): a repeated label set must decode exactly as the
/// first, and a change of PII rules (a new scrubber) must apply to label sets seen before it.
/// </summary>
public sealed class MetricLabelDecodingTests
{
    private const string Labels = """{"service":"api","client_ip":"10.1.2.3","route":"/orders"}""";

    [Fact]
    public void A_label_set_repeated_in_a_batch_decodes_the_same_for_every_sample()
    {
        var rows = Decode(Body(Labels, Labels, Labels), new PiiScrubber(PiiMode.Redact, new byte[32], PiiRules.IpAddresses));

        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal(rows[0].LabelsJson, row.LabelsJson));
        Assert.Contains("[REDACTED:ip]", rows[0].LabelsJson, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", rows[0].LabelsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void New_PII_rules_apply_to_a_label_set_decoded_before_under_the_old_ones()
    {
        var before = Decode(Body(Labels), new PiiScrubber(PiiMode.Redact, new byte[32], PiiRules.None));
        var after = Decode(Body(Labels), new PiiScrubber(PiiMode.Redact, new byte[32], PiiRules.IpAddresses));
        var again = Decode(Body(Labels), new PiiScrubber(PiiMode.Redact, new byte[32], PiiRules.None));

        Assert.Contains("10.1.2.3", before[0].LabelsJson, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", after[0].LabelsJson, StringComparison.Ordinal);
        Assert.Equal(before[0].LabelsJson, again[0].LabelsJson);
    }

    [Fact]
    public void An_invalid_label_set_is_refused_every_time_it_is_sent()
    {
        string bad = """{"__reserved":"x"}""";
        var scrubber = new PiiScrubber(PiiMode.Redact, new byte[32]);
        for (int round = 0; round < 2; round++)
        {
            var context = Context(scrubber);
            var result = new MetricBatchDecoder().DecodeRows(Body(bad, Labels), context);

            Assert.Equal(DecodeOutcome.Invalid, result.Outcome);
            Assert.Contains(context.Errors, e => e.Field == "labels.__reserved");
        }
    }

    private static DecodeContext Context(PiiScrubber scrubber) => new()
    {
        ReceivedAt = DateTime.UtcNow,
        OldestAllowed = DateTime.MinValue,
        NewestAllowed = DateTime.MaxValue,
        Scrubber = scrubber,
    };

    private static List<AegisGuard.Storage.Telemetry.MetricPoint> Decode(byte[] body, PiiScrubber scrubber)
    {
        var result = new MetricBatchDecoder().Decode(body, Context(scrubber));
        Assert.Equal(DecodeOutcome.Ok, result.Outcome);
        return [.. result.Rows];
    }

    private static byte[] Body(params string[] labelSets)
    {
        var items = labelSets.Select((labels, i) =>
            $$"""{"name":"http_requests_total","type":"counter","value":{{i + 1}},"timestamp":{{1_764_000_000_000 + (i * 15_000)}},"labels":{{labels}}}""");
        return Encoding.UTF8.GetBytes($$"""{"metrics":[{{string.Join(",", items)}}]}""");
    }
}

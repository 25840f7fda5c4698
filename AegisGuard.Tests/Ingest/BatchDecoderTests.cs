using System.Text;
using System.Text.Json.Nodes;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// The decoders' allocation-saving paths (field names matched on bytes, attribute values copied without becoming
/// strings, validation that writes nothing) must store exactly what the plain way did.
/// </summary>
public sealed class BatchDecoderTests
{
    private const string Attributes = """
        {"plain":"no digits here","unicode":"héllo ✓ 日本","quote":"say \"hi\"\n","escaped_key\u0041":"x",
         "nested":{"we\"ird":"ok","deep":[1,2.5,true,null,{"k":"v"}],"esc\u0040":"jane\u0040example.com"},
         "number":42,"flag":false,"nothing":null,"email":"jane@example.com","card":"4111 1111 1111 1111"}
        """;

    [Fact]
    public void Attributes_are_stored_as_sent_when_nothing_needs_scrubbing()
    {
        var row = DecodeOne($$"""{"message":"m","attributes":{{Attributes}},"extra_field":"top"}""", scrub: null);

        var expected = JsonNode.Parse(Attributes)!.AsObject();
        expected["extra_field"] = "top";
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(row.AttributesJson)), row.AttributesJson);
    }

    [Fact]
    public void Every_string_that_may_hold_pii_still_reaches_the_scrubber_even_behind_escapes()
    {
        var scrubber = new PiiScrubber(PiiMode.Redact, new byte[32]);
        var row = DecodeOne($$"""{"message":"mail jane@example.com","attributes":{{Attributes}}}""", scrubber);

        var stored = JsonNode.Parse(row.AttributesJson)!;
        Assert.Equal("mail [REDACTED:email]", row.Message);
        Assert.Equal("[REDACTED:email]", (string?)stored["email"]);
        Assert.Equal("[REDACTED:card]", (string?)stored["card"]);
        Assert.Equal("[REDACTED:email]", (string?)stored["nested"]!["esc@"]); // sent as jane\u0040example.com
        Assert.Equal("héllo ✓ 日本", (string?)stored["unicode"]);
        Assert.Equal("say \"hi\"\n", (string?)stored["quote"]);
    }

    [Fact]
    public void Known_fields_are_recognised_even_when_their_names_are_escaped()
    {
        var row = DecodeOne("""{"mess\u0061ge":"hello","\u0073ervice":"api","level":"warn"}""", scrub: null);

        Assert.Equal("hello", row.Message);
        Assert.Equal("api", row.Service);
        Assert.Equal("warn", row.Level);
        Assert.Equal("{}", row.AttributesJson);
    }

    [Fact]
    public void Validation_reports_the_same_errors_as_decoding()
    {
        string body = """{"logs":[{"message":"ok"},{"message":5,"attributes":{"":"empty name"}},{"attributes":[]}]}""";

        var decoded = new LogBatchDecoder().Decode(Encoding.UTF8.GetBytes(body), Context(null, out var decodeContext));
        var validated = new LogBatchDecoder().Validate(Encoding.UTF8.GetBytes(body), Context(null, out var validateContext));

        Assert.Equal(DecodeOutcome.Invalid, decoded.Outcome);
        Assert.Equal(decoded.Outcome, validated.Outcome);
        Assert.Equal(decodeContext.Errors, validateContext.Errors);
        Assert.Contains(validateContext.Errors, e => e.Index == 1 && e.Field == "attributes.");
        Assert.Contains(validateContext.Errors, e => e.Index == 2 && e.Field == "message");
    }

    private static AegisGuard.Storage.Telemetry.LogRecord DecodeOne(string item, PiiScrubber? scrub)
    {
        var result = new LogBatchDecoder().Decode(Encoding.UTF8.GetBytes($$"""{"logs":[{{item}}]}"""), Context(scrub, out var context));
        Assert.True(result.Outcome == DecodeOutcome.Ok, string.Join("; ", context.Errors));
        return Assert.Single(result.Rows);
    }

    private static DecodeContext Context(PiiScrubber? scrub, out DecodeContext context)
    {
        var now = DateTime.UtcNow;
        context = new DecodeContext { ReceivedAt = now, OldestAllowed = now.AddDays(-1), NewestAllowed = now.AddMinutes(5), Scrubber = scrub };
        return context;
    }
}

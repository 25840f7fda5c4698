using System.Text;
using System.Text.Json.Nodes;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// Span events, links and resource on the wire: what a valid span stores (scrubbed like span attributes), and the
/// positioned errors of a bad one (the whole batch is refused, naming the span and the path inside it).
/// </summary>
public sealed class SpanDetailDecoderTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 6, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Events_links_and_resource_are_stored_in_order_with_event_times_in_utc()
    {
        var span = DecodeOne("""
            "events":[{"name":"cache miss","time":"2026-12-02T05:59:00.25+01:00","attributes":{"key":"user:7"}},
                      {"name":"retry","time":1796191140500,"attempt":2}],
            "links":[{"trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736","span_id":"00f067aa0ba902b7","attributes":{"kind":"follows"}}],
            "resource":{"service.version":"1.4.2","host.name":"web-1","deployment.environment":"prod"}
            """);

        var events = JsonNode.Parse(span.EventsJson!)!.AsArray();
        Assert.Equal(2, events.Count);
        Assert.Equal(("cache miss", "2026-12-02T04:59:00.2500000Z", "user:7"), ((string?)events[0]!["name"], (string?)events[0]!["time"], (string?)events[0]!["attributes"]!["key"]));
        Assert.Equal(("retry", "2026-12-02T05:59:00.5000000Z"), ((string?)events[1]!["name"], (string?)events[1]!["time"]));
        Assert.Equal(2, (int?)events[1]!["attributes"]!["attempt"]); // a field an event does not know is kept as its attribute, as on spans
        var link = Assert.Single(JsonNode.Parse(span.LinksJson!)!.AsArray())!;
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "follows"), ((string?)link["trace_id"], (string?)link["span_id"], (string?)link["attributes"]!["kind"]));
        var resource = JsonNode.Parse(span.ResourceJson!)!;
        Assert.Equal(("1.4.2", "web-1", "prod"), ((string?)resource["service.version"], (string?)resource["host.name"], (string?)resource["deployment.environment"]));
        Assert.Equal("api", span.Service);
        Assert.Equal("{}", span.AttributesJson); // events, links and resource are not attributes
    }

    [Fact]
    public void A_span_without_details_stores_none_and_empty_lists_store_none()
    {
        Assert.Null(DecodeOne(string.Empty).EventsJson);
        var empty = DecodeOne("\"events\":[],\"links\":null,\"resource\":{}");
        Assert.Equal(((string?)null, (string?)null, (string?)null), (empty.EventsJson, empty.LinksJson, empty.ResourceJson));
    }

    [Fact]
    public void A_span_without_a_service_takes_its_resources_service_name()
    {
        var span = Decode("""{"spans":[{"trace_id":"a1","span_id":"b1","name":"op","start":"2026-12-02T05:59:00Z","duration_ms":1,"resource":{"service.name":"billing"}}]}""", null, out _);
        Assert.Equal("billing", Assert.Single(span.Rows).Service);
    }

    [Fact]
    public void Pii_in_event_names_event_attributes_link_attributes_and_resource_is_scrubbed_like_span_attributes()
    {
        var scrubber = new PiiScrubber(PiiMode.Redact, new byte[32]);
        var span = DecodeOne("""
            "events":[{"name":"mail to jane@example.com failed","time":"2026-12-02T05:59:00Z",
                       "attributes":{"to":"jane@example.com","password":"hunter2","card":4111111111111111}}],
            "links":[{"trace_id":"a1","span_id":"b1","attributes":{"user":"bob@example.org"}}],
            "resource":{"owner":"ops@example.net","api_key":"k-123"}
            """, scrubber);

        var evt = JsonNode.Parse(span.EventsJson!)!.AsArray()[0]!;
        Assert.Equal("mail to [REDACTED:email] failed", (string?)evt["name"]);
        Assert.Equal("[REDACTED:email]", (string?)evt["attributes"]!["to"]);
        Assert.Equal(PiiScrubber.SecretMarker, (string?)evt["attributes"]!["password"]);
        Assert.Equal("[REDACTED:card]", (string?)evt["attributes"]!["card"]);
        Assert.Equal("[REDACTED:email]", (string?)JsonNode.Parse(span.LinksJson!)!.AsArray()[0]!["attributes"]!["user"]);
        var resource = JsonNode.Parse(span.ResourceJson!)!;
        Assert.Equal("[REDACTED:email]", (string?)resource["owner"]);
        Assert.Equal(PiiScrubber.SecretMarker, (string?)resource["api_key"]);
        Assert.DoesNotContain("example", span.EventsJson + span.LinksJson + span.ResourceJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"events\":{}", "events", "must be an array, not an object")]
    [InlineData("\"events\":[5]", "events[0]", "must be an object")]
    [InlineData("\"events\":[{\"time\":\"2026-12-02T05:59:00Z\"}]", "events[0].name", "is required")]
    [InlineData("\"events\":[{\"name\":\"\",\"time\":\"2026-12-02T05:59:00Z\"}]", "events[0].name", "must not be empty")]
    [InlineData("\"events\":[{\"name\":\"x\",\"time\":\"2026-12-02T05:59:00Z\"},{\"name\":\"y\"}]", "events[1].time", "is required")]
    [InlineData("\"events\":[{\"name\":\"x\",\"time\":\"yesterday\"}]", "events[0].time", "RFC 3339")]
    [InlineData("\"events\":[{\"name\":\"x\",\"time\":\"2020-01-01T00:00:00Z\"}]", "events[0].time", "older than the accepted window")]
    [InlineData("\"events\":[{\"name\":\"x\",\"time\":\"2026-12-02T05:59:00Z\",\"attributes\":[]}]", "events[0].attributes", "must be an object")]
    [InlineData("\"links\":[{\"span_id\":\"b1\"}]", "links[0].trace_id", "is required")]
    [InlineData("\"links\":[{\"trace_id\":\"a1\"}]", "links[0].span_id", "is required")]
    [InlineData("\"links\":[{\"trace_id\":\"a b\",\"span_id\":\"b1\"}]", "links[0].trace_id", "may only contain")]
    [InlineData("\"links\":\"a1\"", "links", "must be an array")]
    [InlineData("\"resource\":[]", "resource", "must be an object")]
    [InlineData("\"resource\":{\"\":1}", "resource.", "attribute names")]
    public void A_bad_event_link_or_resource_is_a_positioned_error_and_the_batch_is_refused(string details, string field, string reason)
    {
        string body = $$"""{"spans":[{"trace_id":"a1","span_id":"b0","name":"ok","start":"2026-12-02T05:59:00Z","duration_ms":1},{{Item(details)}}]}""";

        var result = Decode(body, null, out var context);
        var validated = new SpanBatchDecoder().Validate(Encoding.UTF8.GetBytes(body), Context(null));

        Assert.Equal(DecodeOutcome.Invalid, result.Outcome);
        Assert.Equal(DecodeOutcome.Invalid, validated.Outcome);
        var error = Assert.Single(context.Errors);
        Assert.Equal((1, field), (error.Index, error.Field));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void More_events_or_links_than_the_limit_are_refused_and_the_limit_itself_is_accepted()
    {
        string Events(int n) => "\"events\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"name\":\"e{i}\",\"time\":\"2026-12-02T05:59:00Z\"}}")) + "]";
        string Links(int n) => "\"links\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"trace_id\":\"t{i}\",\"span_id\":\"s{i}\"}}")) + "]";

        Assert.Equal(WireLimits.MaxSpanEvents, JsonNode.Parse(DecodeOne(Events(WireLimits.MaxSpanEvents)).EventsJson!)!.AsArray().Count);
        Assert.Equal(WireLimits.MaxSpanLinks, JsonNode.Parse(DecodeOne(Links(WireLimits.MaxSpanLinks)).LinksJson!)!.AsArray().Count);
        AssertRefused(Events(WireLimits.MaxSpanEvents + 1), "events", $"holds {WireLimits.MaxSpanEvents + 1} items; a span may carry at most {WireLimits.MaxSpanEvents}");
        AssertRefused(Links(WireLimits.MaxSpanLinks + 1), "links", $"at most {WireLimits.MaxSpanLinks}");
    }

    [Fact]
    public void Event_bytes_count_toward_the_items_attribute_limit_and_long_strings_are_refused_where_they_are()
    {
        string big = new('x', 20 * 1024);
        string events = "\"events\":[" + string.Join(",", Enumerable.Range(0, 4).Select(i => $"{{\"name\":\"e\",\"time\":\"2026-12-02T05:59:00Z\",\"attributes\":{{\"v\":\"{big}\"}}}}")) + "]";
        AssertRefused(events, "attributes", $"more than {WireLimits.MaxAttributeBytes} bytes");

        string tooLong = new('y', WireLimits.MaxAttributeStringBytes + 1);
        AssertRefused($"\"resource\":{{\"host.name\":\"{tooLong}\"}}", "resource.host.name", $"at most {WireLimits.MaxAttributeStringBytes} bytes");
    }

    [Fact]
    public void A_64_bit_trace_id_is_stored_widened_to_32_digits_in_spans_and_links()
    {
        var span = Decode("""
            {"spans":[{"trace_id":"A3CE929D0E0E4736","span_id":"b1","name":"op","start":"2026-12-02T05:59:00Z","duration_ms":1,
                       "links":[{"trace_id":"00f067aa0ba902b7","span_id":"c1"}]},
                      {"trace_id":"custom-id-1","span_id":"b2","name":"op","start":"2026-12-02T05:59:00Z","duration_ms":1}]}
            """, null, out _).Rows;

        Assert.Equal("0000000000000000a3ce929d0e0e4736", span[0].TraceId);
        Assert.Equal("000000000000000000f067aa0ba902b7", (string?)JsonNode.Parse(span[0].LinksJson!)!.AsArray()[0]!["trace_id"]);
        Assert.Equal("custom-id-1", span[1].TraceId); // not a 16-digit hex id: kept as sent
    }

    private static void AssertRefused(string details, string field, string reason)
    {
        var result = Decode($$"""{"spans":[{{Item(details)}}]}""", null, out var context);
        Assert.Equal(DecodeOutcome.Invalid, result.Outcome);
        Assert.Contains(context.Errors, e => e.Index == 0 && e.Field == field && e.Reason.Contains(reason, StringComparison.Ordinal));
    }

    private static string Item(string details) =>
        "{\"trace_id\":\"a1\",\"span_id\":\"b1\",\"service\":\"api\",\"name\":\"GET /\",\"start\":\"2026-12-02T05:59:00Z\",\"duration_ms\":2" +
        (details.Length == 0 ? string.Empty : "," + details) + "}";

    private static SpanRecord DecodeOne(string details, PiiScrubber? scrubber = null)
    {
        var result = Decode($$"""{"spans":[{{Item(details)}}]}""", scrubber, out var context);
        Assert.True(result.Outcome == DecodeOutcome.Ok, string.Join("; ", context.Errors));
        return Assert.Single(result.Rows);
    }

    private static BatchDecodeResult<SpanRecord> Decode(string body, PiiScrubber? scrubber, out DecodeContext context)
    {
        context = Context(scrubber);
        return new SpanBatchDecoder().Decode(Encoding.UTF8.GetBytes(body), context);
    }

    private static DecodeContext Context(PiiScrubber? scrubber) => new()
    {
        ReceivedAt = Now,
        OldestAllowed = Now.AddDays(-30),
        NewestAllowed = Now.AddMinutes(10),
        Scrubber = scrubber,
    };
}

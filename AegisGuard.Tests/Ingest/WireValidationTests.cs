using System.Text;
using System.Text.Json.Nodes;
using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Ingest;

/// <summary>
/// What cannot be stored is refused before the 202: each rule of <see cref="WireValidator"/> and the decoders'
/// range checks, one example each, with the item index, the path inside the item and a reason a person can act on.
/// Decoding runs as the normalizer runs it (any time window, with the PII scrubber), so "accepted" here also means
/// "decodes without throwing".
/// </summary>
public sealed class WireValidationTests
{
    private static readonly byte[] InvalidByte = [0xC3];

    [Theory]
    [InlineData("logs", """{"message":"m","attributes":{"user":{"name":"jo\ud800"}}}""", "attributes.user.name")]
    [InlineData("spans", """{"trace_id":"t","span_id":"s","name":"n","start":"{now}","duration_ms":1,"attributes":{"db":"\udc00x"}}""", "attributes.db")]
    [InlineData("events", """{"type":"view","session_id":"s","attributes":{"tags":["ok","\ud800\u0041"]}}""", "attributes.tags[1]")]
    [InlineData("logs", """{"message":"ends in a half pair \ud83d"}""", "message")]
    public void A_lone_surrogate_escape_in_a_value_is_refused_with_its_path(string items, string item, string field)
    {
        var (outcome, errors, _) = Decode(items, Item(items, item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal((0, field), (error.Index, error.Field));
        Assert.Contains("surrogate", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logs")]
    [InlineData("spans")]
    [InlineData("events")]
    public void A_lone_surrogate_escape_in_a_nested_attribute_key_is_refused(string items)
    {
        string item = items switch
        {
            "logs" => """{"message":"m","attributes":{"user":{"\ud800name":"x"}}}""",
            "spans" => """{"trace_id":"t","span_id":"s","name":"n","start":"{now}","duration_ms":1,"attributes":{"user":{"\ud800name":"x"}}}""",
            _ => """{"type":"view","session_id":"s","attributes":{"user":{"\ud800name":"x"}}}""",
        };

        var (outcome, errors, _) = Decode(items, Item(items, item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(@"attributes.user.\ud800name", error.Field);
        Assert.StartsWith("is a property name that holds the escape \\ud800, a high surrogate", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_surrogate_pair_is_accepted_and_stored_as_the_character_it_means()
    {
        var row = DecodeLog("""{"message":"smile \ud83d\ude00","attributes":{"e":"\uD83D\uDE00"}}""");

        Assert.Equal("smile 😀", row.Message);
        Assert.Equal("😀", (string?)JsonNode.Parse(row.AttributesJson)!["e"]);
    }

    [Theory]
    [InlineData("@", "attributes.email")]
    [InlineData("1", "attributes.email")]
    [InlineData("\"", "attributes.email")]
    public void An_invalid_utf8_byte_next_to_an_at_sign_digit_or_quote_is_refused(string neighbour, string field)
    {
        // The invalid byte sits right after the neighbour inside the value.
        byte[] body = Concat("""{"logs":[{"message":"m","attributes":{"email":"jane""", neighbour == "\"" ? "\\\"" : neighbour, InvalidByte, "1@example.com\"}}]}");

        var (outcome, errors, _) = Decode("logs", body);

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith("is not valid UTF-8 (byte 0xC3 at position", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_property_name_at_any_depth_is_refused()
    {
        byte[] body = Concat("""{"logs":[{"message":"ok"},{"message":"m","attributes":{"a":{"b""", InvalidByte, "\":1}}}]}");

        var (outcome, errors, _) = Decode("logs", body);

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal((1, "attributes.a.b\uFFFD"), (error.Index, error.Field));
        Assert.StartsWith("is a property name that is not valid UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encoded_surrogate_or_overlong_sequence_is_invalid_utf8_too()
    {
        byte[] encodedSurrogate = Concat("""{"logs":[{"message":"x""", new byte[] { 0xED, 0xA0, 0x80 }, "\"}]}");
        byte[] overlong = Concat("""{"logs":[{"message":"x""", new byte[] { 0xC0, 0xAF }, "\"}]}");

        Assert.Equal("message", Assert.Single(Decode("logs", encodedSurrogate).Errors).Field);
        Assert.Equal("message", Assert.Single(Decode("logs", overlong).Errors).Field);
    }

    [Theory]
    [InlineData("""{"message":"a","message":"b"}""", "message")]
    [InlineData("""{"message":"a","mess\u0061ge":"b"}""", @"mess\u0061ge")]
    [InlineData("""{"message":"a","attributes":{"user":{"id":1,"id":2}}}""", "attributes.user.id")]
    [InlineData("""{"message":"a","attributes":{"list":[{"k":1},{"k":1,"k":2}]}}""", "attributes.list[1].k")]
    public void A_duplicate_property_name_in_any_object_is_refused_naming_it(string item, string field)
    {
        var (outcome, errors, _) = Decode("logs", Item("logs", item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Equal("appears twice in the same object; each property name may appear only once", error.Reason);
    }

    [Fact]
    public void Duplicates_are_found_in_objects_with_thousands_of_names_and_distinct_names_are_not_taken_for_them()
    {
        string distinct = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"k{i}\":{i}"));
        string item = """{"message":"m","attributes":{"many":{""" + distinct + "}}}";
        string duplicated = """{"message":"m","attributes":{"many":{""" + distinct + ""","k1234":0}}}""";

        Assert.Equal(DecodeOutcome.Ok, Decode("logs", Item("logs", item)).Outcome);
        var (outcome, errors, _) = Decode("logs", Item("logs", duplicated));
        Assert.Equal(DecodeOutcome.Invalid, outcome);
        Assert.Equal("attributes.many.k1234", Assert.Single(errors).Field);
    }

    [Fact]
    public void A_duplicate_outside_the_items_is_a_malformed_body()
    {
        var twice = Decode("logs", Encoding.UTF8.GetBytes("""{"logs":[{"message":"a"}],"logs":[{"message":"\ud800"}]}"""));
        var envelope = Decode("logs", Encoding.UTF8.GetBytes("""{"meta":{"agent":"\udc00"},"logs":[{"message":"a"}]}"""));

        Assert.Equal(DecodeOutcome.Malformed, twice.Outcome);
        Assert.Equal("logs appears twice in the same object; each property name may appear only once", twice.Problem);
        Assert.Equal(DecodeOutcome.Malformed, envelope.Outcome);
        Assert.StartsWith("meta.agent holds the escape \\udc00, a low surrogate", envelope.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("logs", """{"message":"m","attributes":{"n":1e400}}""", "attributes.n")]
    [InlineData("logs", """{"message":"m","size":-1e999}""", "size")]
    [InlineData("logs", """{"message":"m","timestamp":1e400}""", "timestamp")]
    [InlineData("metrics", """{"name":"m","type":"gauge","value":-1e999}""", "value")]
    [InlineData("metrics", """{"name":"m","type":"gauge","value":100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000}""", "value")]
    [InlineData("metrics", """{"name":"h","type":"histogram","buckets":[{"le":1e309,"count":1}],"sum":1,"count":1}""", "buckets[0].le")]
    [InlineData("events", """{"type":"vital","session_id":"s","vital_name":"LCP","vital_value":2e308}""", "vital_value")]
    public void A_number_beyond_a_double_is_refused_naming_the_field(string items, string item, string field)
    {
        var (outcome, errors, _) = Decode(items, Item(items, item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains("beyond the range of a 64-bit floating-point number", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_too_small_for_a_double_is_stored_as_written()
    {
        var row = DecodeLog("""{"message":"m","attributes":{"tiny":1e-400,"big":1.7976931348623157e308}}""");

        var attributes = JsonNode.Parse(row.AttributesJson)!;
        Assert.Equal(0d, (double)attributes["tiny"]!);
        Assert.Equal(double.MaxValue, (double)attributes["big"]!);
    }

    [Theory]
    [InlineData("spans", """{"trace_id":"t","span_id":"s","name":"n","start":"{now}","duration_ms":1e15}""", "duration_ms", "a duration may be at most 315576000000 ms")]
    [InlineData("spans", """{"trace_id":"t","span_id":"s","name":"n","start":"{now}","duration_ms":1e300}""", "duration_ms", "a duration may be at most")]
    [InlineData("events", """{"type":"view","session_id":"s","duration_ms":1e16}""", "duration_ms", "a duration may be at most")]
    [InlineData("spans", """{"trace_id":"t","span_id":"s","name":"n","start":"9999-12-31T00:00:00Z","duration_ms":172800000}""", "duration_ms", "past the last representable time")]
    [InlineData("logs", """{"message":"m","timestamp":1e300}""", "timestamp", "too far in the future")]
    [InlineData("logs", """{"message":"m","timestamp":"9999-12-31T23:59:59-01:00"}""", "timestamp", "must be an RFC 3339 time")]
    [InlineData("logs", """{"message":"m","timestamp":"0001-01-01T00:00:00+14:00"}""", "timestamp", "must be an RFC 3339 time")]
    [InlineData("metrics", """{"name":"h","type":"histogram","buckets":[{"le":1,"count":1}],"sum":1,"count":1e19}""", "count", "does not fit in a 64-bit integer")]
    [InlineData("metrics", """{"name":"h","type":"histogram","buckets":[{"le":1,"count":1e19}],"sum":1}""", "buckets[0].count", "must be a whole number")]
    public void Durations_times_and_counts_that_leave_their_type_are_refused(string items, string item, string field, string reason)
    {
        var (outcome, errors, _) = Decode(items, Item(items, item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_longest_allowed_span_is_accepted()
    {
        var result = new SpanBatchDecoder().Decode(Item("spans", """{"trace_id":"t","span_id":"s","name":"n","start":"2025-01-01T00:00:00Z","duration_ms":315576000000}"""), Context(out _));

        var span = Assert.Single(result.Rows);
        Assert.Equal(new DateTime(2035, 1, 1, 12, 0, 0, DateTimeKind.Utc), span.End); // 3,652.5 days later
    }

    [Fact]
    public void An_attribute_string_may_have_32_KiB_and_no_more()
    {
        int limit = WireLimits.MaxAttributeStringBytes;
        var atLimit = Decode("logs", Item("logs", $$$"""{"message":"m","attributes":{"sql":"{{{new string('x', limit)}}}"}}"""));
        var over = Decode("logs", Item("logs", $$$"""{"message":"m","attributes":{"sql":"{{{new string('x', limit + 1)}}}"}}"""));
        var overAsUnknownField = Decode("logs", Item("logs", $$"""{"message":"m","sql":"{{new string('é', (limit / 2) + 1)}}"}"""));

        // Escapes count once unescaped: 6,000 × \u00e9 is 36,000 bytes as sent but 12,000 stored.
        var escaped = Decode("logs", Item("logs", $$$"""{"message":"m","attributes":{"e":"{{{string.Concat(Enumerable.Repeat(@"\u00e9", 6000))}}}"}}"""));

        Assert.Equal(DecodeOutcome.Ok, atLimit.Outcome);
        Assert.Equal(DecodeOutcome.Ok, escaped.Outcome);
        var error = Assert.Single(over.Errors);
        Assert.Equal(("attributes.sql", $"is {limit + 1} bytes long (UTF-8); an attribute string may have at most {limit} bytes (put long text in the message)"), (error.Field, error.Reason));
        Assert.Equal("sql", Assert.Single(overAsUnknownField.Errors).Field);
    }

    [Fact]
    public void The_attributes_of_one_item_may_take_64_KiB_and_no_more()
    {
        string value = new('v', 30_000);
        var under = Decode("logs", Item("logs", $$$"""{"message":"m","attributes":{"a":"{{{value}}}","b":"{{{value}}}"}}"""));
        var over = Decode("logs", Item("logs", $$"""{"message":"m","attributes":{"a":"{{value}}","b":"{{value}}"},"c":"{{value}}"}"""));

        Assert.Equal(DecodeOutcome.Ok, under.Outcome);
        var error = Assert.Single(over.Errors);
        Assert.Equal("attributes", error.Field);
        Assert.StartsWith($"take more than {WireLimits.MaxAttributeBytes} bytes as sent", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Attributes_may_nest_8_levels_and_no_deeper()
    {
        string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

        var eight = Decode("logs", Item("logs", $$"""{"message":"m","attributes":{{Nested(8)}}}"""));
        var nine = Decode("logs", Item("logs", $$"""{"message":"m","attributes":{{Nested(9)}}}"""));
        var deepArray = Decode("logs", Item("logs", $$"""{"message":"m","x":{{new string('[', 300)}}{{new string(']', 300)}}}"""));

        Assert.Equal(DecodeOutcome.Ok, eight.Outcome);
        var error = Assert.Single(nine.Errors);
        Assert.Equal("attributes.a.a.a.a.a.a.a.a", error.Field);
        Assert.StartsWith("nests objects and arrays more than 8 levels deep", error.Reason, StringComparison.Ordinal);
        Assert.Equal("x[0][0][0][0][0][0][0][0]", Assert.Single(deepArray.Errors).Field);
    }

    [Fact]
    public void A_body_nested_deeper_than_32_levels_outside_the_items_is_malformed()
    {
        var result = Decode("logs", Encoding.UTF8.GetBytes($$"""{"logs":[],"junk":{{new string('[', 40)}}{{new string(']', 40)}}}"""));

        Assert.Equal(DecodeOutcome.Malformed, result.Outcome);
        Assert.Equal("the body nests objects and arrays more than 32 levels deep", result.Problem);
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, "the body starts with a UTF-8 byte order mark")]
    [InlineData(new byte[] { (byte)' ', (byte)'x' }, "the body is not valid JSON: 'x' is invalid after a single JSON value")]
    public void A_leading_byte_order_mark_or_trailing_garbage_is_a_malformed_body(byte[] extra, string problem)
    {
        byte[] valid = Encoding.UTF8.GetBytes("""{"logs":[{"message":"m"}]}""");
        byte[] body = extra[0] == 0xEF ? [.. extra, .. valid] : [.. valid, .. extra];

        var result = Decode("logs", body);

        Assert.Equal(DecodeOutcome.Malformed, result.Outcome);
        Assert.StartsWith(problem, result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_are_valid_json_and_are_kept_and_nul_is_kept_in_attributes()
    {
        var row = DecodeLog("""{"message":"a\u0001b\u001fc\u007fd\t","attributes":{"k\u0000":"v\u0000w"}}""");

        Assert.Equal("a\u0001b\u001fc\u007fd\t", row.Message);
        Assert.Equal("v\0w", (string?)JsonNode.Parse(row.AttributesJson)!["k\0"]);
    }

    [Theory]
    [InlineData("logs", """{"message":"a\u0000b"}""", "message")]
    [InlineData("logs", """{"message":"m","service":"api\u0000"}""", "service")]
    [InlineData("spans", """{"trace_id":"t","span_id":"s","name":"GET\u0000/","start":"{now}","duration_ms":1}""", "name")]
    [InlineData("events", """{"type":"error","session_id":"s","error_message":"\u0000"}""", "error_message")]
    public void A_nul_in_a_field_stored_as_a_text_column_is_refused_rather_than_cut(string items, string item, string field)
    {
        var (outcome, errors, _) = Decode(items, Item(items, item));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith("holds a NUL character", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_that_become_the_same_name_are_refused()
    {
        var (outcome, errors, _) = Decode("metrics", Item("metrics", """{"name":"m","type":"gauge","value":1,"labels":{"http.code":"200","http_code":"500"}}"""));

        Assert.Equal(DecodeOutcome.Invalid, outcome);
        var error = Assert.Single(errors);
        Assert.Equal(("labels.http_code", "names the same label as another one: both become http_code"), (error.Field, error.Reason));
    }

    [Fact]
    public void Errors_in_several_items_are_each_reported_and_the_count_still_wins_over_them()
    {
        string bad = """{"message":"\ud800"}""";
        var few = Decode("logs", Encoding.UTF8.GetBytes($$"""{"logs":[{"message":"ok"},{{bad}},{"message":"ok"},{{bad}}]}"""));
        var tooMany = Decode("logs", Encoding.UTF8.GetBytes("{\"logs\":[" + string.Join(",", Enumerable.Repeat(bad, 1001)) + "]}"));

        Assert.Equal([1, 3], few.Errors.Select(e => e.Index));
        Assert.Equal(DecodeOutcome.TooManyItems, tooMany.Outcome);
        Assert.Equal("the batch holds 1001 logs; one request may carry at most 1000", tooMany.Problem);
    }

    [Fact]
    public void Validation_and_decoding_give_the_same_answer_for_hostile_input()
    {
        byte[] body = Concat("""{"logs":[{"message":"\ud800"},{"message":"x""", InvalidByte, "\"},{\"message\":\"a\",\"message\":\"b\"}]}");

        var decoded = new LogBatchDecoder().Decode(body, Context(out var decodeContext));
        var validated = new LogBatchDecoder().Validate(body, Context(out var validateContext));

        Assert.Equal(DecodeOutcome.Invalid, decoded.Outcome);
        Assert.Equal(decoded.Outcome, validated.Outcome);
        Assert.Equal(decodeContext.Errors, validateContext.Errors);
        Assert.Equal([0, 1, 2], validateContext.Errors.Select(e => e.Index));
    }

    private static LogRecord DecodeLog(string item)
    {
        var result = new LogBatchDecoder().Decode(Item("logs", item), Context(out var context));
        Assert.True(result.Outcome == DecodeOutcome.Ok, string.Join("; ", context.Errors) + result.Problem);
        return Assert.Single(result.Rows);
    }

    private static (DecodeOutcome Outcome, IReadOnlyList<ItemError> Errors, string? Problem) Decode(string items, byte[] body)
    {
        var context = Context(out _);
        var (outcome, problem) = items switch
        {
            "logs" => Result(new LogBatchDecoder().Decode(body, context)),
            "metrics" => Result(new MetricBatchDecoder().Decode(body, context)),
            "spans" => Result(new SpanBatchDecoder().Decode(body, context)),
            _ => Result(new RumBatchDecoder().Decode(body, context)),
        };
        return (outcome, context.Errors, problem);
    }

    private static (DecodeOutcome, string?) Result<TRow>(BatchDecodeResult<TRow> result) => (result.Outcome, result.Problem);

    private static byte[] Item(string items, string item) =>
        Encoding.UTF8.GetBytes($$"""{"{{items}}":[{{item.Replace("{now}", DateTime.UtcNow.ToString("O"), StringComparison.Ordinal)}}]}""");

    private static byte[] Concat(params object[] parts) =>
        parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p).ToArray();

    /// <summary>As the normalizer decodes: every time is in the window, and the PII scrubber sees every string.</summary>
    private static DecodeContext Context(out DecodeContext context)
    {
        var scrubber = new PiiScrubber(PiiMode.Redact, new byte[32]);
        context = new DecodeContext
        {
            ReceivedAt = DateTime.UtcNow,
            OldestAllowed = DateTime.MinValue,
            NewestAllowed = DateTime.MaxValue,
            Scrubber = scrubber,
        };
        return context;
    }
}

using System.Text.Json;
using AegisGuard.Ingest.Schema;

namespace AegisGuard.Tests.Ingest;

/// <summary>Timestamp parsing: RFC 3339 and epoch numbers by magnitude.</summary>
public sealed class EventTimestampTests
{
    private static readonly DateTime Instant = new(2025, 10, 31, 10, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("\"2025-10-31T10:00:00Z\"")]
    [InlineData("\"2025-10-31T12:00:00+02:00\"")]
    [InlineData("\"2025-10-31t10:00:00z\"")]
    [InlineData("1761904800")]
    [InlineData("1761904800000")]
    [InlineData("1761904800000000")]
    [InlineData("1761904800000000000")]
    [InlineData("\"1761904800\"")]
    public void Every_accepted_form_means_the_same_instant(string json)
    {
        Assert.True(EventTimestamp.TryParse(Parse(json), out var utc, out string reason), reason);
        Assert.Equal(Instant, utc);
    }

    [Fact]
    public void Fractions_are_kept_to_the_tick_and_nanoseconds_are_cut_not_rejected()
    {
        Assert.True(EventTimestamp.TryParse(Parse("\"2025-10-31T10:00:00.123456789Z\""), out var utc, out _));
        Assert.Equal(Instant.AddTicks(1234567), utc);
        Assert.True(EventTimestamp.TryParse(Parse("1761904800.5"), out var half, out _));
        Assert.Equal(Instant.AddMilliseconds(500), half);
    }

    [Theory]
    [InlineData("\"2025-10-31 10:00:00\"")]
    [InlineData("\"31/10/2025\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("-5")]
    [InlineData("true")]
    [InlineData("{}")]
    public void Ambiguous_or_wrong_values_are_rejected_with_a_reason(string json)
    {
        Assert.False(EventTimestamp.TryParse(Parse(json), out _, out string reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Theory]
    [InlineData("2025-10-31T10:00:00Z")]
    [InlineData("2025-10-31T10:00:00.1Z")]
    [InlineData("2025-10-31T10:00:00.12Z")]
    [InlineData("2025-10-31T10:00:00.1234Z")]
    [InlineData("2025-10-31T10:00:00.1234567Z")]
    [InlineData("2025-10-31T10:00:00.12345678Z")]
    [InlineData("2025-10-31T10:00:00.999999999z")]
    [InlineData("2025-10-31t23:59:59-05:30")]
    [InlineData("2025-10-31 10:00:00+14:00")]
    [InlineData("2024-02-29T00:00:00-14:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    public void The_fast_path_reads_common_times_exactly_as_the_general_parser_does(string text)
    {
        var expected = DateTimeOffset.Parse(text.Length > 28 && text[19] == '.' ? text.Remove(27, text.IndexOfAny(['Z', 'z', '+', '-'], 19) - 27) : text,
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal).UtcDateTime;

        Assert.True(EventTimestamp.TryParseCommonRfc3339(System.Text.Encoding.UTF8.GetBytes(text), out var fast));
        Assert.Equal(expected, fast);
        Assert.Equal(DateTimeKind.Utc, fast.Kind);
        Assert.True(EventTimestamp.TryParse(Parse($"\"{text}\""), out var viaJson, out _));
        Assert.Equal(expected, viaJson);
    }

    [Theory]
    [InlineData("\"2025-02-29T10:00:00Z\"")]      // no such day
    [InlineData("\"2025-10-31T24:00:00Z\"")]
    [InlineData("\"2025-10-31T10:60:00Z\"")]
    [InlineData("\"2025-10-31T10:00:00+15:00\"")] // beyond any real offset
    [InlineData("\"2025-10-31T10:00:00.Z\"")]
    [InlineData("\"2025-10-31T10:00:00.1234567891Z\"")]
    [InlineData("\"2025-10-31T10:00:00+0200\"")]
    [InlineData("\"2025-10-31T10:00Z\"")]
    [InlineData("\"0001-01-01T00:00:00+01:00\"")] // before the first representable instant
    public void Times_the_fast_path_refuses_are_still_judged_by_the_general_parser_and_rejected(string json)
    {
        Assert.False(EventTimestamp.TryParse(Parse(json), out _, out string reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void An_escaped_time_string_is_read_through_the_general_parser()
    {
        Assert.True(EventTimestamp.TryParse(Parse("\"2025-10-31T10:00:00\\u005A\""), out var utc, out string reason), reason);
        Assert.Equal(Instant, utc);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

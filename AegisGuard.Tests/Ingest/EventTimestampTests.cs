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

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

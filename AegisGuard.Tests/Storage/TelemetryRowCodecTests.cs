using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Storage;

/// <summary>The binary rows inside ingest log records: what goes in comes out, and damage is an error, never garbage.</summary>
public sealed class TelemetryRowCodecTests
{
    private static readonly DateTime At = new(2026, 11, 30, 23, 59, 59, 123, DateTimeKind.Utc);

    [Fact]
    public void Log_rows_round_trip_with_every_field_and_the_source_address_of_the_record()
    {
        var rows = new TelemetryRow[]
        {
            new LogRecord { SourceIndex = 0, Timestamp = At, ReceivedAt = At.AddSeconds(1), Service = "api", Level = "error", Host = "web-1", Message = "héllo 👋 \u0000 \u202e", TraceId = "abc", SpanId = "def", AttributesJson = """{"a":{"b":[1,2]}}""" },
            new LogRecord { SourceIndex = 1, Timestamp = At, ReceivedAt = At, Service = "unknown", Level = "info", Host = null, Message = "", TraceId = null, SpanId = null, AttributesJson = "{}" },
        };

        var read = RoundTrip(Signal.Logs, rows, 4242);

        Assert.Equal(2, read.Count);
        var first = Assert.IsType<LogRecord>(read[0]);
        Assert.Equal(("api", "error", "web-1", "héllo 👋 \u0000 \u202e", "abc", "def", """{"a":{"b":[1,2]}}"""), (first.Service, first.Level, first.Host, first.Message, first.TraceId, first.SpanId, first.AttributesJson));
        Assert.Equal((At, At.AddSeconds(1), 4242L, 0), (first.Timestamp, first.ReceivedAt, first.SourceAddress, first.SourceIndex));
        Assert.Equal(DateTimeKind.Utc, first.Timestamp.Kind);
        var second = Assert.IsType<LogRecord>(read[1]);
        Assert.Null(second.Host);
        Assert.Null(second.TraceId);
        Assert.Equal(string.Empty, second.Message);
        Assert.Equal(1, second.SourceIndex);
    }

    [Fact]
    public void Metric_rows_round_trip_gauges_and_histograms()
    {
        var rows = new TelemetryRow[]
        {
            new MetricPoint { Timestamp = At, Name = "cpu", Type = "gauge", Value = -0.5, LabelsJson = """{"host":"a"}""" },
            new MetricPoint { SourceIndex = 1, Timestamp = At, Name = "lat", Type = "histogram", Value = 12.5, Count = 7, BucketBounds = [0.1, 1, double.PositiveInfinity], BucketCounts = [1, 5, 7], LabelsJson = "{}" },
        };

        var read = RoundTrip(Signal.Metrics, rows, 7);

        var gauge = Assert.IsType<MetricPoint>(read[0]);
        Assert.Equal(("cpu", "gauge", -0.5, (long?)null), (gauge.Name, gauge.Type, gauge.Value, gauge.Count));
        Assert.Null(gauge.BucketBounds);
        var histogram = Assert.IsType<MetricPoint>(read[1]);
        Assert.Equal(new[] { 0.1, 1, double.PositiveInfinity }, histogram.BucketBounds);
        Assert.Equal(new long[] { 1, 5, 7 }, histogram.BucketCounts);
        Assert.Equal(7, histogram.Count);
    }

    [Fact]
    public void Span_and_rum_rows_round_trip()
    {
        var span = new SpanRecord { SourceAddress = 1, TraceId = "t", SpanId = "s", ParentSpanId = null, Service = "api", Name = "GET /", Kind = "server", Start = At, End = At.AddMilliseconds(5), DurationMicros = 5000, Status = "error", StatusMessage = "boom", AttributesJson = "{}" };
        var rum = new RumEvent { SourceAddress = 1, Timestamp = At, Type = "vital", SessionId = "x", Application = "shop", Url = null, VitalName = "LCP", VitalValue = 2.5, DurationMs = null, UserAgent = "UA", AttributesJson = "{}" };

        var spans = RoundTrip(Signal.Traces, [span], 1);
        var rums = RoundTrip(Signal.Rum, [rum], 1);

        Assert.Equivalent(span, spans[0], strict: true);
        Assert.Equivalent(rum, rums[0], strict: true);
    }

    [Fact]
    public void Truncated_or_padded_bytes_are_refused_as_invalid_data()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TelemetryRowCodec.Write(buffer, Signal.Logs, [new LogRecord { Timestamp = At, ReceivedAt = At, Service = "a", Level = "info", Message = "m", AttributesJson = "{}" }]);
        byte[] bytes = buffer.WrittenSpan.ToArray();

        for (int cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<InvalidDataException>(() => TelemetryRowCodec.Read(bytes.AsSpan(0, cut), Signal.Logs, 0));
        }

        Assert.Throws<InvalidDataException>(() => TelemetryRowCodec.Read([.. bytes, 0], Signal.Logs, 0));
        Assert.Throws<InvalidDataException>(() => TelemetryRowCodec.Read([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], Signal.Logs, 0));
    }

    [Fact]
    public void A_row_of_another_signal_is_refused_when_written()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentException>(() => TelemetryRowCodec.Write(buffer, Signal.Metrics, [new LogRecord { Timestamp = At, ReceivedAt = At, Service = "a", Level = "info", Message = "m", AttributesJson = "{}" }]));
    }

    private static IReadOnlyList<TelemetryRow> RoundTrip(Signal signal, TelemetryRow[] rows, long address)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TelemetryRowCodec.Write(buffer, signal, rows);
        return TelemetryRowCodec.Read(buffer.WrittenSpan, signal, address);
    }
}

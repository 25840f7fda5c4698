using System.Buffers.Binary;
using System.Text;
using AegisGuard.Ingest;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Ingest;

/// <summary>The ingest log record: the current format round-trips with its idempotency stamp; the earlier format still reads.</summary>
public sealed class IngestEnvelopeTests
{
    private static readonly DateTime At = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_record_carries_its_header_its_idempotency_stamp_and_its_rows()
    {
        var envelope = new IngestEnvelope(Signal.Logs, 7, At, Guid.NewGuid(), 1);
        var stamp = new IdempotencyStamp("retry-ключ-1", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var row = new LogRecord { Timestamp = At, ReceivedAt = At, Service = "api", Level = "info", Message = "hello", AttributesJson = "{}" };

        byte[] record = envelope.ToRecord(stamp, [row]);

        Assert.True(IngestEnvelope.TryRead(record, out var read, out var layout));
        Assert.Equal(envelope, read);
        Assert.Equal(IngestEnvelope.CurrentVersion, layout.Version);
        Assert.Equal(stamp.Key, layout.Idempotency!.Key);
        Assert.Equal(stamp.BodySha256, layout.Idempotency.BodySha256);
        var rows = TelemetryRowCodec.Read(record.AsSpan(layout.PayloadOffset, layout.PayloadLength), Signal.Logs, 99);
        Assert.Equal("hello", Assert.IsType<LogRecord>(Assert.Single(rows)).Message);
    }

    [Fact]
    public void A_record_without_a_stamp_has_none()
    {
        var envelope = new IngestEnvelope(Signal.Metrics, 1, At, Guid.NewGuid(), 0);

        Assert.True(IngestEnvelope.TryRead(envelope.ToRecord(null, []), out _, out var layout));

        Assert.Null(layout.Idempotency);
    }

    [Fact]
    public void A_record_written_by_the_previous_version_reads_as_json()
    {
        byte[] json = Encoding.UTF8.GetBytes("""{"logs":[{"message":"old"}]}""");
        var record = new byte[IngestEnvelope.LegacyHeaderSize + json.Length];
        record[0] = 1;
        record[1] = (byte)Signal.Logs;
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), 3);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(8), (At - DateTime.UnixEpoch).Ticks / 10);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(32), 1);
        json.CopyTo(record, IngestEnvelope.LegacyHeaderSize);

        Assert.True(IngestEnvelope.TryRead(record, out var envelope, out var layout));

        Assert.Equal((1, 3, At, 1), (layout.Version, envelope.OrgId, envelope.ReceivedAt, envelope.ItemCount));
        Assert.Equal(json, record.AsSpan(layout.PayloadOffset, layout.PayloadLength).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(39)]
    public void Short_or_unknown_records_are_not_read(int length)
    {
        var envelope = new IngestEnvelope(Signal.Logs, 1, At, Guid.NewGuid(), 0);
        byte[] record = envelope.ToRecord(null, []);

        Assert.False(IngestEnvelope.TryRead(record.AsSpan(0, length), out _, out _));
        record[0] = 9;
        Assert.False(IngestEnvelope.TryRead(record, out _, out _));
    }

    [Fact]
    public void A_rows_length_that_does_not_match_the_record_is_refused()
    {
        var envelope = new IngestEnvelope(Signal.Logs, 1, At, Guid.NewGuid(), 0);
        byte[] record = [.. envelope.ToRecord(null, []), 0];

        Assert.False(IngestEnvelope.TryRead(record, out _, out _));
    }
}

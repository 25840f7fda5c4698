using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// Span rows in ingest log records gained events, links and resource: records written before (span layout 1) are still
/// in the log after an upgrade and must read back as they were; new records carry the new fields.
/// </summary>
public sealed class SpanRowCodecTests
{
    private static readonly DateTime At = new(2026, 11, 30, 23, 59, 59, 123, DateTimeKind.Utc);

    /// <summary>
    /// One span row list as the released codec wrote it (AegisGuard.Storage.dll of commit e66a2fb, run through
    /// <c>dotnet fsi</c>): TraceId 4bf92f…4736, SpanId 00f067aa0ba902b7, api "GET /" server, At + 5 ms, error "boom",
    /// attributes {"http.method":"GET"}, source index 3.
    /// </summary>
    private const string Layout1Hex =
        "01032034626639326633353737623334646136613363653932396430653065343733361030306630363761613062613930326237000361706905474554202F06" +
        "73657276657230AE6A0A3E4FDF0880716B0A3E4FDF088813000000000000056572726F7205626F6F6D157B22687474702E6D6574686F64223A22474554227D";

    [Fact]
    public void A_span_record_written_by_the_previous_release_reads_back_unchanged_without_details()
    {
        var rows = TelemetryRowCodec.Read(Convert.FromHexString(Layout1Hex), Signal.Traces, 777);

        var span = Assert.IsType<SpanRecord>(Assert.Single(rows));
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", (string?)null, "api", "GET /", "server"),
            (span.TraceId, span.SpanId, span.ParentSpanId, span.Service, span.Name, span.Kind));
        Assert.Equal((At, At.AddMilliseconds(5), 5000L, "error", "boom"), (span.Start, span.End, span.DurationMicros, span.Status, span.StatusMessage));
        Assert.Equal("""{"http.method":"GET"}""", span.AttributesJson);
        Assert.Equal((777L, 3), (span.SourceAddress, span.SourceIndex));
        Assert.Null(span.EventsJson);
        Assert.Null(span.LinksJson);
        Assert.Null(span.ResourceJson);
    }

    [Fact]
    public void Spans_round_trip_with_events_links_and_resource_and_without_them()
    {
        var plain = Span(3);
        var rows = new TelemetryRow[]
        {
            new SpanRecord
            {
                TraceId = "t1", SpanId = "s1", Service = "api", Name = "GET /", Kind = "server", Start = At, End = At.AddMilliseconds(1), DurationMicros = 1000,
                Status = "ok", AttributesJson = "{}", SourceIndex = 0,
                EventsJson = """[{"time":"2026-11-30T23:59:59.1230000Z","name":"exception","attributes":{"exception.type":"IOError"}}]""",
                LinksJson = """[{"trace_id":"t0","span_id":"s0","attributes":{}}]""",
                ResourceJson = """{"service.version":"1.4.2","host.name":"web-1"}""",
            },
            plain,
        };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TelemetryRowCodec.Write(buffer, Signal.Traces, rows);

        var read = TelemetryRowCodec.Read(buffer.WrittenSpan, Signal.Traces, 9);

        Assert.Equal(2, read.Count);
        var first = Assert.IsType<SpanRecord>(read[0]);
        Assert.Equal(((SpanRecord)rows[0]).EventsJson, first.EventsJson);
        Assert.Equal(((SpanRecord)rows[0]).LinksJson, first.LinksJson);
        Assert.Equal(((SpanRecord)rows[0]).ResourceJson, first.ResourceJson);
        var second = Assert.IsType<SpanRecord>(read[1]);
        Assert.Equal((9L, 3, "t", "{}"), (second.SourceAddress, second.SourceIndex, second.TraceId, second.AttributesJson));
        Assert.Null(second.EventsJson);
        Assert.Null(second.LinksJson);
        Assert.Null(second.ResourceJson);
    }

    [Fact]
    public void A_cut_span_record_of_the_new_layout_is_refused_as_invalid_data()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        TelemetryRowCodec.Write(buffer, Signal.Traces, [Span(0, events: "[]", resource: "{}")]);
        byte[] bytes = buffer.WrittenSpan.ToArray();

        for (int cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<InvalidDataException>(() => TelemetryRowCodec.Read(bytes.AsSpan(0, cut), Signal.Traces, 0));
        }
    }

    private static SpanRecord Span(int index, string? events = null, string? resource = null) => new()
    {
        TraceId = "t", SpanId = "s", Service = "api", Name = "n", Kind = "internal", Start = At, End = At, DurationMicros = 0, Status = "unset",
        AttributesJson = "{}", SourceIndex = index, EventsJson = events, ResourceJson = resource,
    };
}

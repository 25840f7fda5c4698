using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// Span files written before spans had events, links and resource stay readable: alone (the columns are absent from
/// every file read), next to new files (some have them), and merged with new files by compaction.
/// </summary>
public sealed class SpanDetailParquetTests : IDisposable
{
    private const int Org = 1;
    private const string Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string Events = """[{"time":"2026-11-20T10:00:00.0100000Z","name":"retry","attributes":{"attempt":2}}]""";
    private const string Links = """[{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","attributes":{}}]""";
    private const string Resource = """{"service.version":"1.4.2"}""";

    /// <summary>The span table's columns as the release before this change created them (SpanTable.Columns at e66a2fb).</summary>
    private const string ColumnsBefore =
        "org_id, trace_id, span_id, parent_span_id, service, name, kind, start_ts, end_ts, duration_us, status, status_message, attributes, source_address, source_index";

    private static readonly DateTime T0 = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory directory = new();
    private readonly TelemetryStore store;

    public SpanDetailParquetTests() => store = new TelemetryStore(new DataDirectory(directory.Path));

    [Fact]
    public async Task A_span_file_from_before_details_is_read_alone_next_to_new_files_and_after_compaction()
    {
        var old = Flush(64, Span("a000000000000001", null, T0));
        RewriteWithColumnsBefore(old);
        await store.Spans.Follower.WaitForAsync(1064, CancellationToken.None);

        var alone = await store.Spans.GetTraceAsync(Org, Trace, 100, CancellationToken.None);
        var first = Assert.Single(alone!.Spans);
        Assert.Equal(("a000000000000001", "api", (string?)null, (string?)null, (string?)null), (first.SpanId, first.Service, first.EventsJson, first.LinksJson, first.ResourceJson));

        var detailed = Span("a000000000000002", "a000000000000001", T0.AddMilliseconds(5));
        Flush(1064, new SpanRecord
        {
            TraceId = detailed.TraceId, SpanId = detailed.SpanId, ParentSpanId = detailed.ParentSpanId, Service = "db", Name = "SELECT", Kind = "client",
            Start = detailed.Start, End = detailed.End, DurationMicros = detailed.DurationMicros, Status = "ok", AttributesJson = "{}",
            EventsJson = Events, LinksJson = Links, ResourceJson = Resource,
        });
        await store.Spans.Follower.WaitForAsync(2064, CancellationToken.None);

        var mixed = await store.Spans.GetTraceAsync(Org, Trace, 100, CancellationToken.None);
        AssertBoth(mixed!.Spans);

        Assert.Equal(1, store.Compact(minFiles: 2, grace: TimeSpan.Zero, CancellationToken.None));
        var merged = Assert.Single(store.Manifest.ListFiles(Signal.Traces, Org, T0.AddHours(-1), T0.AddHours(1)));
        Assert.Equal(("compacted", 2L), (merged.Level, merged.Rows));
        AssertBoth((await store.Spans.GetTraceAsync(Org, Trace, 100, CancellationToken.None))!.Spans);
    }

    public void Dispose()
    {
        store.Dispose();
        directory.Dispose();
    }

    private static void AssertBoth(IReadOnlyList<AegisGuard.Storage.Traces.StoredSpan> spans)
    {
        Assert.Equal(["a000000000000001", "a000000000000002"], spans.Select(s => s.SpanId));
        Assert.Null(spans[0].EventsJson);
        Assert.Equal((Events, Links, Resource), (spans[1].EventsJson, spans[1].LinksJson, spans[1].ResourceJson));
    }

    private static SpanRecord Span(string id, string? parent, DateTime start) => new()
    {
        TraceId = Trace, SpanId = id, ParentSpanId = parent, Service = "api", Name = "GET /", Kind = "server",
        Start = start, End = start.AddMilliseconds(10), DurationMicros = 10_000, Status = "ok", AttributesJson = """{"http.method":"GET"}""",
    };

    private ManifestFile Flush(long address, SpanRecord span)
    {
        var flush = new PendingFlush();
        flush.Cover(address, address + 1000);
        flush.Add(Org, new SpanRecord
        {
            TraceId = span.TraceId, SpanId = span.SpanId, ParentSpanId = span.ParentSpanId, Service = span.Service, Name = span.Name, Kind = span.Kind,
            Start = span.Start, End = span.End, DurationMicros = span.DurationMicros, Status = span.Status, StatusMessage = span.StatusMessage,
            AttributesJson = span.AttributesJson, EventsJson = span.EventsJson, LinksJson = span.LinksJson, ResourceJson = span.ResourceJson,
            SourceAddress = address, SourceIndex = 0,
        });
        store.Flush(flush);
        return store.Manifest.ListFiles(Signal.Traces, Org, span.Start.AddHours(-1), span.Start.AddHours(1)).Single(f => f.FirstAddress == address);
    }

    /// <summary>Replaces a span file by the same rows in the columns the previous release wrote (same path and rows).</summary>
    private void RewriteWithColumnsBefore(ManifestFile file)
    {
        string path = Path.Combine(store.TelemetryRoot, file.Path);
        string temp = path + ".before";
        using (var connection = store.Engine.OpenConnection())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"COPY (SELECT {ColumnsBefore} FROM read_parquet('{path}')) TO '{temp}' (FORMAT parquet, COMPRESSION zstd)";
            command.ExecuteNonQuery();
            command.CommandText = $"SELECT count(*) FROM parquet_schema('{temp}') WHERE name IN ('events', 'links', 'resource')";
            Assert.Equal(0L, Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }

        File.Move(temp, path, overwrite: true);
    }
}

using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>The span store contract against the Parquet store: each batch is one flush, then the follower catches up.</summary>
public sealed class ParquetSpanStoreTests : SpanStoreContract
{
    private readonly TempDirectory directory = new();
    private readonly TelemetryStore store;
    private long nextAddress = 64;

    public ParquetSpanStoreTests()
    {
        store = new TelemetryStore(new DataDirectory(directory.Path));
    }

    protected override ISpanStore Store => store.Spans;

    protected override async Task WriteAsync(int orgId, IReadOnlyList<SpanRecord> spans)
    {
        long address = nextAddress;
        nextAddress += 1000;
        var flush = new PendingFlush();
        flush.Cover(address, nextAddress);
        int index = 0;
        foreach (var span in spans)
        {
            flush.Add(orgId, Copy(span, address, index++));
        }

        store.Flush(flush);
        await store.Spans.Follower.WaitForAsync(nextAddress, CancellationToken.None);
    }

    public override void Dispose()
    {
        store.Dispose();
        directory.Dispose();
    }

    internal static SpanRecord Copy(SpanRecord s, long address, int index) => new()
    {
        TraceId = s.TraceId,
        SpanId = s.SpanId,
        ParentSpanId = s.ParentSpanId,
        Service = s.Service,
        Name = s.Name,
        Kind = s.Kind,
        Start = s.Start,
        End = s.End,
        DurationMicros = s.DurationMicros,
        Status = s.Status,
        StatusMessage = s.StatusMessage,
        AttributesJson = s.AttributesJson,
        EventsJson = s.EventsJson,
        LinksJson = s.LinksJson,
        ResourceJson = s.ResourceJson,
        SourceAddress = address,
        SourceIndex = index,
    };
}

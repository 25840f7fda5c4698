using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// The trace summary follower beside the write path: restarts, compaction, retention and damaged files. It reads what
/// the manifest lists and moves its watermark with the summaries, so none of these may lose or double-count a span.
/// </summary>
public sealed class TraceSummaryFollowerTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task After_a_restart_the_follower_resumes_at_its_watermark_and_counts_nothing_twice()
    {
        using var dir = new TempDirectory();
        using (var store = new TelemetryStore(new DataDirectory(dir.Path)))
        {
            Flush(store, 100, 200, 1, Span("t1", "s1", null, T0, 10), Span("t1", "s2", "s1", T0.AddMilliseconds(1), 5));
            await store.Spans.Follower.WaitForAsync(200, CancellationToken.None);

            // Stored but not yet followed when the process dies.
            Flush(store, 200, 300, 1, Span("t1", "s3", "s2", T0.AddMilliseconds(2), 20));
        }

        using var reopened = new TelemetryStore(new DataDirectory(dir.Path));
        Assert.Equal(200, reopened.Spans.Follower.Watermark);
        await reopened.Spans.Follower.CatchUpAsync(CancellationToken.None);
        await reopened.Spans.Follower.CatchUpAsync(CancellationToken.None);

        var t1 = (await reopened.Spans.SummariesAsync(1, [Id("t1")], CancellationToken.None)).Single();
        Assert.Equal((3, 22_000L), (t1.SpanCount, t1.DurationMicros));
        Assert.Equal(300, reopened.Spans.Follower.Watermark);
    }

    [Fact]
    public async Task Trace_by_id_sees_spans_the_follower_has_not_taken_in_yet()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        Flush(store, 100, 200, 1, Span("t1", "s1", null, T0, 10));

        var trace = await store.Spans.GetTraceAsync(1, Id("t1"), 10, CancellationToken.None);

        Assert.Equal(0, store.Spans.Follower.Watermark);
        Assert.Equal(["s1"], trace!.Spans.Select(s => s.SpanId));
    }

    [Fact]
    public async Task Compaction_keeps_summaries_and_trace_lookups_and_later_batches_merge_into_them()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        for (int i = 0; i < 4; i++)
        {
            Flush(store, 100 + (i * 100), 200 + (i * 100), 1, Span("t1", $"s{i}", i == 0 ? null : "s0", T0.AddMilliseconds(i), 10));
        }

        await store.Spans.Follower.WaitForAsync(500, CancellationToken.None);
        Assert.Equal(1, store.Compact(minFiles: 4, grace: TimeSpan.FromHours(1), CancellationToken.None));
        Flush(store, 500, 600, 1, Span("t1", "s4", "s0", T0.AddMilliseconds(50), 10), Span("t1", "s1", "s0", T0.AddMilliseconds(1), 10));
        await store.Spans.Follower.WaitForAsync(600, CancellationToken.None);

        var summary = (await store.Spans.SummariesAsync(1, [Id("t1")], CancellationToken.None)).Single();
        var trace = await store.Spans.GetTraceAsync(1, Id("t1"), 100, CancellationToken.None);
        Assert.Equal((5, 60_000L), (summary.SpanCount, summary.DurationMicros));
        Assert.Equal(6, trace!.Spans.Count);
    }

    [Fact]
    public async Task Retention_drops_the_summaries_of_the_days_it_unlists()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        Flush(store, 100, 200, 1, Span("old", "s1", null, T0, 10));
        Flush(store, 200, 300, 1, Span("new", "s1", null, T0.AddDays(2), 10));
        Flush(store, 300, 400, 2, Span("old", "s1", null, T0, 10));
        await store.Spans.Follower.WaitForAsync(400, CancellationToken.None);

        store.ApplyRetention(1, retentionDays: 1, now: T0.AddDays(2), grace: TimeSpan.FromHours(1));
        await store.Spans.Follower.CatchUpAsync(CancellationToken.None);

        var search = new TraceSearchRequest { OrgId = 1, From = T0.AddDays(-1), To = T0.AddDays(3), Limit = 10 };
        Assert.Equal([Id("new")], (await store.Spans.SearchAsync(search, CancellationToken.None)).Traces.Select(t => t.TraceId));
        Assert.Equal([Id("old")], (await store.Spans.SearchAsync(search with { OrgId = 2 }, CancellationToken.None)).Traces.Select(t => t.TraceId));
        Assert.Null(await store.Spans.GetTraceAsync(1, Id("old"), 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_damaged_file_is_moved_aside_and_the_follower_goes_on_with_the_rest()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var damaged = Flush(store, 100, 200, 1, Span("t1", "s1", null, T0, 10));
        Flush(store, 200, 300, 1, Span("t2", "s1", null, T0.AddSeconds(1), 10));
        File.Delete(Path.Combine(store.TelemetryRoot, damaged.Path));

        await store.Spans.Follower.WaitForAsync(300, CancellationToken.None);

        var search = new TraceSearchRequest { OrgId = 1, From = T0.AddDays(-1), To = T0.AddDays(1), Limit = 10 };
        Assert.Equal([Id("t2")], (await store.Spans.SearchAsync(search, CancellationToken.None)).Traces.Select(t => t.TraceId));
        Assert.Contains(store.DamagedFiles(), d => d.Path == damaged.Path);
    }

    private static string Id(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..32];

    private static SpanRecord Span(string trace, string id, string? parent, DateTime start, double ms) => new()
    {
        TraceId = Id(trace),
        SpanId = id,
        ParentSpanId = parent,
        Service = "api",
        Name = "op",
        Kind = "server",
        Start = start,
        End = start.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond)),
        DurationMicros = (long)(ms * 1000),
        Status = "ok",
        AttributesJson = "{}",
    };

    private static ManifestFile Flush(TelemetryStore store, long address, long next, int org, params SpanRecord[] spans)
    {
        var flush = new PendingFlush();
        flush.Cover(address, next);
        for (int i = 0; i < spans.Length; i++)
        {
            flush.Add(org, ParquetSpanStoreTests.Copy(spans[i], address, i));
        }

        return store.Flush(flush).Single();
    }
}

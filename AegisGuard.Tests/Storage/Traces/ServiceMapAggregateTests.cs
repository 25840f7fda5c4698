using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Parquet.Traces;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// The per-minute service-map aggregates the trace follower keeps (migration 0006) against the raw map queries over the
/// same spans: counts exactly, percentiles within the sketch's 1 %, through split, out-of-order and duplicated batches,
/// midnight, orphans, restarts, retention and several orgs.
/// </summary>
public sealed class ServiceMapAggregateTests
{
    private static readonly DateTime Midnight = new(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Aggregates_equal_the_raw_map_through_split_out_of_order_duplicated_batches_across_midnight()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var batches = Traces(40, Midnight.AddMinutes(-3));
        long address = 100;
        // Children before parents (reverse order); a catch-up between the two batches of every other trace, so those
        // traces are completed in a later follower step; every third batch sent again at the end, after a catch-up.
        var again = new List<SpanRecord[]>();
        for (int i = batches.Count - 1; i >= 0; i--)
        {
            Flush(store, address, address + 100, 1, batches[i]);
            address += 100;
            if (i % 3 == 0)
            {
                again.Add(batches[i]);
            }

            if (i % 4 == 1)
            {
                await store.Spans.Follower.WaitForAsync(address, CancellationToken.None);
            }
        }

        await store.Spans.Follower.WaitForAsync(address, CancellationToken.None);
        foreach (var batch in again)
        {
            Flush(store, address, address + 100, 1, batch);
            address += 100;
        }

        await store.Spans.Follower.WaitForAsync(address, CancellationToken.None);

        var request = new SpanStatsRequest { OrgId = 1, From = Midnight.AddMinutes(-10), To = Midnight.AddMinutes(10) };
        var (raw, aggregated) = await BothAsync(store, request);

        AssertSame(raw, aggregated);
        Assert.Contains(raw.Edges, e => e.Caller == "web" && e.Callee == "api");
        Assert.Contains(raw.Edges, e => e.Caller == "api" && e.Callee == "db");
        Assert.Equal("raw", raw.Source);
        Assert.Equal("aggregates", aggregated.Source);
    }

    [Fact]
    public async Task A_parent_arriving_after_its_child_turns_an_orphan_into_an_edge_and_a_request_into_a_call()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var start = Midnight.AddHours(3);
        Flush(store, 100, 200, 1, Span("t", "c", "p", "api", "client", start.AddMilliseconds(5), 40, "error"));
        await store.Spans.Follower.WaitForAsync(200, CancellationToken.None);
        var request = new SpanStatsRequest { OrgId = 1, From = start.AddMinutes(-1), To = start.AddMinutes(1) };
        var (rawOrphan, orphan) = await BothAsync(store, request);
        AssertSame(rawOrphan, orphan);
        Assert.Empty(orphan.Edges);

        Flush(store, 200, 300, 1, Span("t", "p", null, "web", "server", start, 100, "ok"));
        await store.Spans.Follower.WaitForAsync(300, CancellationToken.None);
        var (raw, aggregated) = await BothAsync(store, request);

        AssertSame(raw, aggregated);
        Assert.Equal((1L, 1L), (aggregated.Edges.Single().CallCount, aggregated.Edges.Single().ErrorCount));
    }

    [Fact]
    public async Task After_a_restart_the_aggregates_resume_at_the_watermark_and_count_nothing_twice()
    {
        using var dir = new TempDirectory();
        var batches = Traces(12, Midnight.AddHours(5));
        long address = 100;
        using (var store = new TelemetryStore(new DataDirectory(dir.Path)))
        {
            for (int i = 0; i < batches.Count / 2; i++, address += 100)
            {
                Flush(store, address, address + 100, 1, batches[i]);
            }

            await store.Spans.Follower.WaitForAsync(address, CancellationToken.None);
            // Stored but not followed when the process dies.
            for (int i = batches.Count / 2; i < batches.Count; i++, address += 100)
            {
                Flush(store, address, address + 100, 1, batches[i]);
            }
        }

        using var reopened = new TelemetryStore(new DataDirectory(dir.Path));
        await reopened.Spans.Follower.CatchUpAsync(CancellationToken.None);
        await reopened.Spans.Follower.CatchUpAsync(CancellationToken.None);
        var request = new SpanStatsRequest { OrgId = 1, From = Midnight.AddHours(4), To = Midnight.AddHours(6) };
        var (raw, aggregated) = await BothAsync(reopened, request);

        AssertSame(raw, aggregated);
        Assert.Equal(address, reopened.Spans.Follower.Watermark);
    }

    [Fact]
    public async Task The_aggregate_map_takes_in_stored_spans_the_follower_has_not_followed_yet()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var batches = Traces(3, Midnight.AddHours(1));
        long address = 100;
        foreach (var batch in batches)
        {
            Flush(store, address, address + 100, 1, batch);
            address += 100;
        }

        Assert.Equal(0, store.Spans.Follower.Watermark);
        var (raw, aggregated) = await BothAsync(store, new SpanStatsRequest { OrgId = 1, From = Midnight, To = Midnight.AddHours(2) });

        AssertSame(raw, aggregated);
        Assert.NotEmpty(aggregated.Nodes);
    }

    [Fact]
    public async Task A_long_backlog_is_answered_from_raw_spans_instead_of_catching_up_inside_the_request()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        long address = 100;
        foreach (var batch in Traces(3, Midnight.AddHours(1)))
        {
            Flush(store, address, address + 100, 1, batch);
            address += 100;
        }

        var request = new SpanStatsRequest { OrgId = 1, From = Midnight, To = Midnight.AddHours(2) };
        store.Spans.MapRawRowLimit = long.MaxValue;
        var raw = await store.Spans.ServiceMapAsync(request, CancellationToken.None);
        store.Spans.MapRawRowLimit = -1;
        store.Spans.MapCatchUpRowLimit = 0;

        var behind = await store.Spans.ServiceMapAsync(request, CancellationToken.None);

        Assert.Equal("raw", behind.Source);
        Assert.Contains(behind.Warnings, w => w.Contains("still being built", StringComparison.Ordinal));
        Assert.Equal(0, store.Spans.Follower.Watermark);
        Assert.Equal(raw.Nodes.Select(n => (n.Name, n.SpanCount)), behind.Nodes.Select(n => (n.Name, n.SpanCount)));

        // Once the follower has caught up (in the background, in the host), the same request reads the aggregates.
        await store.Spans.Follower.CatchUpAsync(CancellationToken.None);
        Assert.Equal("aggregates", (await store.Spans.ServiceMapAsync(request, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task Orgs_are_kept_apart_and_retention_drops_the_rows_of_expired_days()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var old = Midnight.AddDays(-2).AddHours(12);
        var fresh = Midnight.AddHours(12);
        Flush(store, 100, 200, 1, Traces(2, old).SelectMany(b => b).ToArray());
        Flush(store, 200, 300, 1, Traces(2, fresh).SelectMany(b => b).ToArray());
        Flush(store, 300, 400, 2, Span("o2", "r", null, "other", "server", fresh, 10, "ok"));
        await store.Spans.Follower.WaitForAsync(400, CancellationToken.None);
        store.Spans.MapRawRowLimit = -1;

        var everything = new SpanStatsRequest { OrgId = 1, From = Midnight.AddDays(-3), To = Midnight.AddDays(1) };
        var before = await store.Spans.ServiceMapAsync(everything, CancellationToken.None);
        Assert.DoesNotContain(before.Nodes, n => n.Name == "other");
        Assert.Equal(["other"], (await store.Spans.ServiceMapAsync(everything with { OrgId = 2 }, CancellationToken.None)).Nodes.Select(n => n.Name));

        store.ApplyRetention(1, retentionDays: 1, now: fresh, grace: TimeSpan.FromHours(1));
        await store.Spans.Follower.CatchUpAsync(CancellationToken.None);
        var (raw, after) = await BothAsync(store, everything);

        AssertSame(raw, after);
        Assert.True(after.Nodes.Sum(n => n.SpanCount) < before.Nodes.Sum(n => n.SpanCount));
        Assert.Single((await store.Spans.ServiceMapAsync(everything with { OrgId = 2 }, CancellationToken.None)).Nodes);
    }

    [Fact]
    public async Task Red_series_from_the_aggregates_equal_the_raw_series_and_odd_steps_or_an_operation_stay_raw()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        long address = 100;
        foreach (var batch in Traces(40, Midnight.AddMinutes(-3)))
        {
            Flush(store, address, address + 100, 1, batch);
            address += 100;
        }

        await store.Spans.Follower.WaitForAsync(address, CancellationToken.None);
        var range = new SpanStatsRequest { OrgId = 1, From = Midnight.AddMinutes(-5), To = Midnight.AddMinutes(5) };
        // web and api have entry spans; db has none, so both series fall back to all of its spans.
        foreach (var (service, minutes) in new[] { ("web", 1), ("api", 2), ("db", 5) })
        {
            var step = TimeSpan.FromMinutes(minutes);
            store.Spans.MapRawRowLimit = long.MaxValue;
            var raw = await store.Spans.RedAsync(range with { Service = service }, step, CancellationToken.None);
            store.Spans.MapRawRowLimit = -1;
            var aggregated = await store.Spans.RedAsync(range with { Service = service }, step, CancellationToken.None);

            Assert.Equal(("raw", "aggregates", LatencySketch.RelativeError), (raw.Source, aggregated.Source, aggregated.PercentileError));
            Assert.Contains(raw.Points, p => p.Requests > 0);
            Assert.Equal(raw.Points.Select(p => (p.Start, p.Requests, p.Errors)), aggregated.Points.Select(p => (p.Start, p.Requests, p.Errors)));
            foreach (var (r, a) in raw.Points.Zip(aggregated.Points))
            {
                Assert.Equal(r.P50Micros is null, a.P50Micros is null);
                if (r.P50Micros is not null)
                {
                    Close(r.P50Micros.Value, a.P50Micros!.Value);
                    Close(r.P95Micros!.Value, a.P95Micros!.Value);
                    Close(r.P99Micros!.Value, a.P99Micros!.Value);
                }
            }
        }

        store.Spans.MapRawRowLimit = -1;
        var api = range with { Service = "api" };
        var odd = await store.Spans.RedAsync(api, TimeSpan.FromSeconds(90), CancellationToken.None);
        Assert.Equal("raw", odd.Source);
        Assert.Contains(odd.Warnings, w => w.Contains("not a whole number of minutes", StringComparison.Ordinal));
        var operation = await store.Spans.RedAsync(api with { Operation = "op-api" }, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("raw", operation.Source);
        Assert.Contains(operation.Warnings, w => w.Contains("operation", StringComparison.Ordinal));

        // A range off the minute is widened to whole minutes, and says so.
        var widened = await store.Spans.RedAsync(api with { From = range.From.AddSeconds(10), To = range.To.AddSeconds(-10) }, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(("aggregates", range.From, range.To), (widened.Source, widened.From, widened.To));
    }

    private static async Task<(ServiceMapAnswer Raw, ServiceMapAnswer Aggregated)> BothAsync(TelemetryStore store, SpanStatsRequest request)
    {
        store.Spans.MapRawRowLimit = long.MaxValue;
        var raw = await store.Spans.ServiceMapAsync(request, CancellationToken.None);
        store.Spans.MapRawRowLimit = -1;
        var aggregated = await store.Spans.ServiceMapAsync(request, CancellationToken.None);
        return (raw, aggregated);
    }

    private static void AssertSame(ServiceMapAnswer raw, ServiceMapAnswer aggregated)
    {
        Assert.Equal(raw.Nodes.Select(n => (n.Name, n.SpanCount, n.RequestCount, n.ErrorRate)), aggregated.Nodes.Select(n => (n.Name, n.SpanCount, n.RequestCount, n.ErrorRate)));
        Assert.Equal(raw.Edges.Select(e => (e.Caller, e.Callee, e.CallCount, e.ErrorCount)), aggregated.Edges.Select(e => (e.Caller, e.Callee, e.CallCount, e.ErrorCount)));
        foreach (var (r, a) in raw.Nodes.Zip(aggregated.Nodes))
        {
            Close(r.P50Micros, a.P50Micros);
            Close(r.P95Micros, a.P95Micros);
            Close(r.P99Micros, a.P99Micros);
        }

        foreach (var (r, a) in raw.Edges.Zip(aggregated.Edges))
        {
            Close(r.P50Micros, a.P50Micros);
            Close(r.P95Micros, a.P95Micros);
            Close(r.P99Micros, a.P99Micros);
        }
    }

    // The sketch interpolates between ranks as quantile_cont does, each rank within 1 %: so the answer is within 1 %.
    private static void Close(double raw, double sketch) => Assert.InRange(sketch, raw * 0.99, raw * 1.01);

    /// <summary>
    /// Traces web → api → db (plus an api-internal child and a db span whose parent never arrives), each split over two
    /// batches: the root and one child in one, the rest in the other.
    /// </summary>
    private static List<SpanRecord[]> Traces(int count, DateTime start)
    {
        var batches = new List<SpanRecord[]>();
        for (int i = 0; i < count; i++)
        {
            string t = $"trace-{start:yyyyMMddHH}-{i}";
            var at = start.AddSeconds(i * 10);
            double ms = 10 * (1 + (i % 3));
            string status = i % 5 == 0 ? "error" : "ok";
            batches.Add(
            [
                Span(t, "root", null, "web", "server", at, ms * 4, "ok"),
                Span(t, "api", "root", "api", "server", at.AddMilliseconds(1), ms * 2, status),
            ]);
            batches.Add(
            [
                Span(t, "inner", "api", "api", "internal", at.AddMilliseconds(2), ms, "ok"),
                Span(t, "db", "inner", "db", "client", at.AddMilliseconds(3), ms, status),
                Span(t, "orphan", "never-sent", "db", "client", at.AddMilliseconds(4), ms, "ok"),
            ]);
        }

        return batches;
    }

    private static string Id(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..32];

    private static SpanRecord Span(string trace, string id, string? parent, string service, string kind, DateTime start, double ms, string status) => new()
    {
        TraceId = Id(trace),
        SpanId = id,
        ParentSpanId = parent,
        Service = service,
        Name = "op-" + id,
        Kind = kind,
        Start = start,
        End = start.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond)),
        DurationMicros = (long)(ms * 1000),
        Status = status,
        AttributesJson = "{}",
    };

    private static void Flush(TelemetryStore store, long address, long next, int org, params SpanRecord[] spans)
    {
        var flush = new PendingFlush();
        flush.Cover(address, next);
        for (int i = 0; i < spans.Length; i++)
        {
            flush.Add(org, ParquetSpanStoreTests.Copy(spans[i], address, i));
        }

        store.Flush(flush);
    }
}

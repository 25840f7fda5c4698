using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Traces;

/// <summary>
/// The trace-id index (ingest log addresses per trace, kept by the follower): trace by id reads only the files holding
/// the trace's batches — after compaction, after a restart, across days — and never another org's.
/// </summary>
public sealed class TraceIdIndexTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Trace_by_id_reads_only_the_file_holding_the_trace_not_every_file_of_the_day()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var files = new List<ManifestFile>();
        for (int i = 0; i < 5; i++)
        {
            // Every file covers the same minute of the same day, so the time range alone cannot tell them apart.
            files.Add(Flush(store, 100 + (i * 100), 200 + (i * 100), 1, Span($"t{i}", "s1", null, T0.AddSeconds(i), 10), Span($"t{i}", "s2", "s1", T0.AddSeconds(50 - i), 10)));
        }

        await store.Spans.Follower.WaitForAsync(600, CancellationToken.None);

        Assert.Equal([files[2].Path], store.Manifest.ListTraceFiles(1, Id("t2"), store.Spans.Follower.Watermark).Select(f => f.Path));
        var trace = await store.Spans.GetTraceAsync(1, Id("t2"), 10, CancellationToken.None);
        Assert.Equal(["s1", "s2"], trace!.Spans.Select(s => s.SpanId));
    }

    [Fact]
    public async Task A_trace_is_found_after_compaction_merged_its_files_and_a_later_batch_added_to_it()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        for (int i = 0; i < 4; i++)
        {
            Flush(store, 100 + (i * 100), 200 + (i * 100), 1, Span(i % 2 == 0 ? "even" : "odd", $"s{i}", null, T0.AddMilliseconds(i), 10));
        }

        await store.Spans.Follower.WaitForAsync(500, CancellationToken.None);
        Assert.Equal(1, store.Compact(minFiles: 4, grace: TimeSpan.FromHours(1), CancellationToken.None));
        var late = Flush(store, 500, 600, 1, Span("odd", "s9", "s1", T0.AddMinutes(3), 10));
        await store.Spans.Follower.WaitForAsync(600, CancellationToken.None);

        var listed = store.Manifest.ListTraceFiles(1, Id("odd"), store.Spans.Follower.Watermark);
        var trace = await store.Spans.GetTraceAsync(1, Id("odd"), 10, CancellationToken.None);
        var summary = (await store.Spans.SummariesAsync(1, [Id("odd")], CancellationToken.None)).Single();

        Assert.Equal(["compacted", "fresh"], listed.Select(f => f.Level));
        Assert.Equal(late.Path, listed[1].Path);
        Assert.Equal(["s1", "s3", "s9"], trace!.Spans.Select(s => s.SpanId));
        Assert.Equal(3, summary.SpanCount);
    }

    [Fact]
    public async Task After_a_restart_trace_by_id_still_finds_the_trace_through_the_index()
    {
        using var dir = new TempDirectory();
        ManifestFile holding;
        using (var store = new TelemetryStore(new DataDirectory(dir.Path)))
        {
            holding = Flush(store, 100, 200, 1, Span("t1", "s1", null, T0, 10));
            Flush(store, 200, 300, 1, Span("t2", "s1", null, T0, 10));
            await store.Spans.Follower.WaitForAsync(300, CancellationToken.None);
        }

        using var reopened = new TelemetryStore(new DataDirectory(dir.Path));
        var trace = await reopened.Spans.GetTraceAsync(1, Id("t1"), 10, CancellationToken.None);

        Assert.Equal(300, reopened.Spans.Follower.Watermark);
        Assert.Equal([holding.Path], reopened.Manifest.ListTraceFiles(1, Id("t1"), reopened.Spans.Follower.Watermark).Select(f => f.Path));
        Assert.Equal(["s1"], trace!.Spans.Select(s => s.SpanId));
    }

    [Fact]
    public async Task Spans_of_one_trace_in_files_of_two_days_are_all_found()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        var midnight = T0.Date.AddDays(1);
        var first = Flush(store, 100, 200, 1, Span("t1", "s1", null, midnight.AddSeconds(-1), 1500));
        Flush(store, 200, 300, 1, Span("other", "s1", null, midnight.AddSeconds(-1), 10));
        var second = FlushAll(store, 300, 400, 1, Span("t1", "s2", "s1", midnight.AddMilliseconds(200), 10), Span("other", "s2", "s1", midnight.AddSeconds(-1).AddMilliseconds(1), 10));
        await store.Spans.Follower.WaitForAsync(400, CancellationToken.None);

        var listed = store.Manifest.ListTraceFiles(1, Id("t1"), store.Spans.Follower.Watermark).Select(f => f.Path).ToList();
        var trace = await store.Spans.GetTraceAsync(1, Id("t1"), 10, CancellationToken.None);

        Assert.Equal(2, second.Count);
        Assert.Equal(new[] { first.Path }.Concat(second.Select(f => f.Path)).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(["s1", "s2"], trace!.Spans.Select(s => s.SpanId));
        Assert.NotEqual(second[0].Day, second[1].Day);
    }

    [Fact]
    public async Task Another_orgs_trace_id_is_not_found_and_names_no_file()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        Flush(store, 100, 200, 2, Span("theirs", "s1", null, T0, 10));
        Flush(store, 200, 300, 1, Span("ours", "s1", null, T0, 10));
        await store.Spans.Follower.WaitForAsync(300, CancellationToken.None);

        Assert.Empty(store.Manifest.ListTraceFiles(1, Id("theirs"), store.Spans.Follower.Watermark));
        Assert.Null(await store.Spans.GetTraceAsync(1, Id("theirs"), 10, CancellationToken.None));
        Assert.NotNull(await store.Spans.GetTraceAsync(2, Id("theirs"), 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_large_span_file_is_cut_into_row_groups_by_trace_id_and_every_trace_in_it_comes_back_whole()
    {
        using var dir = new TempDirectory();
        using var store = new TelemetryStore(new DataDirectory(dir.Path));
        // 4,000 traces of 10 spans in one flush: more rows than three row groups of the span table hold.
        const int Traces = 4_000;
        var spans = new List<SpanRecord>(Traces * 10);
        for (int t = 0; t < Traces; t++)
        {
            for (int s = 0; s < 10; s++)
            {
                var span = Span($"big{t}", $"s{s}", s == 0 ? null : "s0", T0.AddMilliseconds((t * 7) + s), 1);
                // One trace sent in upper case, as an agent may: it is stored as sent and found by its lower-case id.
                spans.Add(t == 1234 ? new SpanRecord
                {
                    TraceId = span.TraceId.ToUpperInvariant(), SpanId = span.SpanId, ParentSpanId = span.ParentSpanId, Service = span.Service, Name = span.Name,
                    Kind = span.Kind, Start = span.Start, End = span.End, DurationMicros = span.DurationMicros, Status = span.Status, AttributesJson = span.AttributesJson,
                } : span);
            }
        }

        var file = Flush(store, 100, 200, 1, [.. spans]);
        await store.Spans.Follower.WaitForAsync(200, CancellationToken.None);

        var groups = RowGroupTraceRanges(store, file);
        Assert.True(groups.Count >= 3, $"{groups.Count} row groups");
        for (int g = 1; g < groups.Count; g++)
        {
            // Sorted by trace id across the file, so each group's range starts at or after the previous one's end.
            Assert.True(string.CompareOrdinal(groups[g - 1].Max, groups[g].Min) <= 0, $"row group {g} overlaps the one before it");
        }

        // The traces at the edges of every row group (a trace may straddle two) and the upper-case one.
        var edges = groups.SelectMany(g => new[] { g.Min, g.Max }).Select(id => id.ToLowerInvariant()).Append(Id("big1234")).Distinct().ToList();
        foreach (string id in edges)
        {
            var trace = await store.Spans.GetTraceAsync(1, id, 100, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, 10).Select(i => $"s{i}"), trace!.Spans.Select(s => s.SpanId));
            Assert.All(trace.Spans, s => Assert.Equal(id, s.TraceId.ToLowerInvariant()));
        }
    }

    /// <summary>The trace-id statistics of each row group of <paramref name="file"/>, in file order.</summary>
    private static List<(string Min, string Max)> RowGroupTraceRanges(TelemetryStore store, ManifestFile file)
    {
        using var connection = store.Engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT stats_min_value, stats_max_value FROM parquet_metadata('{Path.Combine(store.TelemetryRoot, file.Path)}')
            WHERE path_in_schema = 'trace_id' ORDER BY row_group_id
            """;
        using var reader = command.ExecuteReader();
        var ranges = new List<(string, string)>();
        while (reader.Read())
        {
            ranges.Add((reader.GetString(0), reader.GetString(1)));
        }

        return ranges;
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

    private static ManifestFile Flush(TelemetryStore store, long address, long next, int org, params SpanRecord[] spans) =>
        FlushAll(store, address, next, org, spans).Single();

    private static IReadOnlyList<ManifestFile> FlushAll(TelemetryStore store, long address, long next, int org, params SpanRecord[] spans)
    {
        var flush = new PendingFlush();
        flush.Cover(address, next);
        for (int i = 0; i < spans.Length; i++)
        {
            flush.Add(org, ParquetSpanStoreTests.Copy(spans[i], address, i));
        }

        return store.Flush(flush);
    }
}

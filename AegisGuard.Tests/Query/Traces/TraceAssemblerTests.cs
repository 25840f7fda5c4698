using AegisGuard.Query.Traces;
using AegisGuard.Storage.Traces;

namespace AegisGuard.Tests.Query.Traces;

/// <summary>The trace view's tree: order, depth, orphans, clock skew, duplicates, cycles and the critical path.</summary>
public sealed class TraceAssemblerTests
{
    private static readonly DateTime T0 = new(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);
    private int index;

    [Fact]
    public void Spans_come_depth_first_with_roots_before_orphans_and_children_by_start()
    {
        var trace = Assemble(
            Span("orphan", "gone", 5, 10),
            Span("b", "root", 30, 20),
            Span("root", null, 0, 100),
            Span("a", "root", 10, 15),
            Span("a1", "a", 12, 5),
            Span("second-root", null, 50, 10));

        Assert.Equal(["root", "a", "a1", "b", "second-root", "orphan"], trace.Spans.Select(s => s.SpanId));
        Assert.Equal([0, 1, 2, 1, 0, 0], trace.Spans.Select(s => s.Depth));
        Assert.Equal([2, 1, 0, 0, 0, 0], trace.Spans.Select(s => s.ChildCount));
        Assert.Equal([false, false, false, false, false, true], trace.Spans.Select(s => s.Orphan));
        Assert.Equal([0.0, 10, 12, 30, 50, 5], trace.Spans.Select(s => s.OffsetMs));
        Assert.Equal((6, 100.0), (trace.SpanCount, trace.DurationMs));
    }

    [Fact]
    public void A_child_outside_its_parent_is_flagged_as_clock_skew()
    {
        var trace = Assemble(Span("root", null, 10, 50), Span("early", "root", 5, 10), Span("late", "root", 40, 30), Span("inside", "root", 20, 5));

        Assert.Equal(["root", "early", "inside", "late"], trace.Spans.Select(s => s.SpanId));
        Assert.Equal([false, true, false, true], trace.Spans.Select(s => s.OutsideParent));
    }

    [Fact]
    public void Copies_of_one_span_id_are_dropped_and_counted_keeping_the_first_received()
    {
        var first = Span("root", null, 0, 10, status: "ok");
        var copy = Span("root", null, 0, 99, status: "error");

        var trace = Assemble(copy with { SourceAddress = 2000 }, first, Span("child", "root", 1, 2));

        var root = trace.Spans[0];
        Assert.Equal((1, 10.0, "ok"), (root.DuplicateCount, root.DurationMs, root.Status));
        Assert.Equal((2, 0), (trace.SpanCount, trace.ErrorCount));
    }

    [Fact]
    public void Spans_whose_parents_form_a_cycle_are_shown_at_root_level_as_orphans()
    {
        var trace = Assemble(Span("x", "y", 0, 10), Span("y", "x", 1, 5), Span("root", null, 2, 1));

        Assert.Equal(["root", "x", "y"], trace.Spans.Select(s => s.SpanId));
        Assert.Equal([0, 0, 1], trace.Spans.Select(s => s.Depth));
        Assert.Equal([false, true, false], trace.Spans.Select(s => s.Orphan));
    }

    [Fact]
    public void A_ten_thousand_level_deep_trace_is_assembled_without_recursion()
    {
        var spans = new List<StoredSpan> { Span("s0", null, 0, 20_000) };
        for (int i = 1; i < 10_000; i++)
        {
            spans.Add(Span($"s{i}", $"s{i - 1}", i, 20_000 - (2 * i)));
        }

        var trace = Assemble([.. spans]);

        Assert.Equal(9_999, trace.Spans[^1].Depth);
        Assert.All(trace.Spans, s => Assert.True(s.CriticalPath));
    }

    [Fact]
    public void The_critical_path_follows_the_last_finishing_child_backwards_from_the_end()
    {
        // root 0-100: a 10-40, b 20-90 (overlaps a; finishes last), c 30-50 inside b's time, b1 60-85 inside b.
        var trace = Assemble(
            Span("root", null, 0, 100),
            Span("a", "root", 10, 30),
            Span("b", "root", 20, 70),
            Span("b1", "b", 60, 25),
            Span("c", "root", 30, 20));

        var critical = trace.Spans.Where(s => s.CriticalPath).Select(s => s.SpanId).ToList();
        Assert.Equal(["root", "a", "b", "b1"], critical);
    }

    [Fact]
    public void Services_are_counted_per_trace_with_their_errors()
    {
        var trace = Assemble(Span("root", null, 0, 10, "api"), Span("q", "root", 1, 2, "db", "error"), Span("q2", "root", 3, 2, "db"));

        Assert.Equal([new TraceServiceCount("api", 1, 0), new TraceServiceCount("db", 2, 1)], trace.Services);
        Assert.Equal(1, trace.ErrorCount);
    }

    private static AssembledTrace Assemble(params StoredSpan[] spans) => TraceAssembler.Assemble("t", new TraceSpans(spans, false, []));

    private StoredSpan Span(string id, string? parent, double startMs, double ms, string service = "api", string status = "ok") => new()
    {
        TraceId = "t",
        SpanId = id,
        ParentSpanId = parent,
        Service = service,
        Name = id,
        Kind = "internal",
        Start = T0.AddTicks((long)(startMs * TimeSpan.TicksPerMillisecond)),
        End = T0.AddTicks((long)((startMs + ms) * TimeSpan.TicksPerMillisecond)),
        DurationMicros = (long)(ms * 1000),
        Status = status,
        AttributesJson = "{}",
        SourceAddress = 1000,
        SourceIndex = index++,
    };
}

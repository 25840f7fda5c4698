using AegisGuard.Query.LogQl;
using AegisGuard.Query.LogQl.Syntax;
using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Tests.Support;
using AegisGuard.Storage.Logs;

namespace AegisGuard.Tests.Query.LogQl;

/// <summary>
/// Searches read files from the requested end of the range in rounds and page by position: every line comes
/// exactly once and in order, across overlapping files, in both directions, while new lines keep arriving.
/// </summary>
public sealed class LogSearchPagingTests : IDisposable
{
    private static readonly DateTime Hour = new(2026, 3, 10, 8, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory dir = new();
    private readonly TelemetryStore store;
    private readonly List<LogPosition> all = [];

    public LogSearchPagingTests()
    {
        store = new TelemetryStore(new DataDirectory(dir.Path));
        // One round per file, so paging crosses round boundaries all the time.
        store.LogQueries.FirstRoundRows = 1;
        for (int file = 0; file < 6; file++)
        {
            // Files overlap in time (each spans 10 minutes, starting 5 minutes after the previous one), and pairs
            // of lines share a timestamp so ties are broken by the event id.
            var flush = new PendingFlush();
            long address = 64 * (file + 1);
            flush.Cover(address, address + 64);
            for (int i = 0; i < 10; i++)
            {
                var ts = Hour.AddMinutes((file * 5) + i - (i % 2));
                flush.Add(1, LogQlPlannerTests.Row(ts, "api", "info", $"f{file} l{i}", address, i));
                all.Add(new LogPosition(ts, address, i));
            }

            store.Flush(flush);
        }
    }

    [Theory]
    [InlineData(LogSearchDirection.Backward, 7, 1_000)]
    [InlineData(LogSearchDirection.Forward, 7, 1_000)]
    [InlineData(LogSearchDirection.Backward, 1, 1_000)]
    [InlineData(LogSearchDirection.Forward, 60, 1_000)]
    [InlineData(LogSearchDirection.Backward, 7, 5)]
    [InlineData(LogSearchDirection.Forward, 7, 5)]
    [InlineData(LogSearchDirection.Backward, 60, 1)]
    [InlineData(LogSearchDirection.Forward, 13, 2)]
    public async Task Pages_return_every_line_once_in_time_then_id_order_across_overlapping_files_and_time_windows(
        LogSearchDirection direction, int limit, int firstWindowRows)
    {
        // 1000: the whole range is one window; 5, 2, 1: windows of 10, 4 and 2 minutes that widen fourfold.
        store.LogQueries.FirstWindowRows = firstWindowRows;
        var seen = new List<LogPosition>();
        LogPosition? after = null;
        int pages = 0;
        do
        {
            var page = await Page(direction, limit, after);
            Assert.True(page.Rows.Count <= limit);
            seen.AddRange(page.Rows.Select(r => new LogPosition(r.Timestamp, r.SourceAddress, r.SourceIndex)));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 100);

        var expected = direction == LogSearchDirection.Backward ? all.OrderDescending().ToList() : all.Order().ToList();
        Assert.Equal(expected, seen);
        Assert.Equal((int)Math.Ceiling(60.0 / limit), pages);
    }

    [Fact]
    public async Task A_small_page_of_the_newest_lines_opens_only_the_newest_file()
    {
        var page = await Page(LogSearchDirection.Backward, 3, null);

        Assert.Equal(["f5 l9", "f5 l8", "f5 l7"], page.Rows.Select(r => r.Message));
        Assert.Equal(1, page.FilesRead);
        Assert.Equal(10, page.RowsScanned);
    }

    [Fact]
    public async Task A_narrow_first_window_is_enough_when_it_fills_the_page()
    {
        // 60 lines over two hours: a first window expected to hold 6 lines spans 12 minutes and the 4 newest fit.
        store.LogQueries.FirstWindowRows = 6;

        var page = await Page(LogSearchDirection.Backward, 3, null);

        Assert.Equal(["f5 l9", "f5 l8", "f5 l7"], page.Rows.Select(r => r.Message));
        Assert.NotNull(page.Next);
    }

    [Fact]
    public async Task The_next_page_is_unchanged_by_lines_that_arrive_after_the_first()
    {
        var first = await Page(LogSearchDirection.Backward, 10, null);
        var expectedSecond = await Page(LogSearchDirection.Backward, 10, first.Next);

        var flush = new PendingFlush();
        flush.Cover(1000, 1064);
        flush.Add(1, LogQlPlannerTests.Row(Hour.AddMinutes(50), "api", "info", "late but newest", 1000, 0));
        flush.Add(1, LogQlPlannerTests.Row(Hour.AddMinutes(34), "api", "info", "newer than the cursor", 1000, 1));
        store.Flush(flush);
        var second = await Page(LogSearchDirection.Backward, 10, first.Next);

        Assert.Equal(expectedSecond.Rows.Select(r => r.Message), second.Rows.Select(r => r.Message));
        Assert.Equal("late but newest", (await Page(LogSearchDirection.Backward, 1, null)).Rows[0].Message);
    }

    [Fact]
    public async Task A_cursor_is_opaque_round_trips_and_rejects_tampering()
    {
        var position = new LogPosition(Hour.AddTicks(123_450), 987_654_321, 42);

        string cursor = LogCursor.Encode(position, LogSearchDirection.Forward);

        Assert.True(LogCursor.TryDecode(cursor, out var decoded, out var direction));
        Assert.Equal(position, decoded);
        Assert.Equal(LogSearchDirection.Forward, direction);
        Assert.DoesNotContain("987654321", cursor, StringComparison.Ordinal);
        Assert.False(LogCursor.TryDecode(cursor[..^2], out _, out _));
        Assert.False(LogCursor.TryDecode("not-a-cursor", out _, out _));
    }

    private Task<LogSearchPage> Page(LogSearchDirection direction, int limit, LogPosition? after) =>
        store.LogQueries.SearchAsync(new LogSearchRequest
        {
            Filter = LogQlPlanner.PlanFilter((LogQueryExpr)LogQlParser.Parse("{service=\"api\"}"), 1, Hour, Hour.AddHours(2)),
            Limit = limit,
            Direction = direction,
            After = after,
        }, CancellationToken.None);

    public void Dispose()
    {
        store.Dispose();
        dir.Dispose();
    }
}

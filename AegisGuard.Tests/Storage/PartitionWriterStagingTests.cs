using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Parquet.Tables;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;
using DuckDB.NET.Data;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// The in-memory staging buffers behind <see cref="PartitionWriter"/>: every column type survives the trip to a Parquet
/// file, files are sorted and carry statistics, a bad record fails only its batch, and a failed flush can be retried.
/// </summary>
public sealed class PartitionWriterStagingTests
{
    private static readonly DateTime Day = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Every_span_column_round_trips_including_nulls_non_ascii_empty_and_long_text()
    {
        using var dir = new TempDirectory();
        using var engine = new DuckDbEngine();
        using var writer = new PartitionWriter(engine, dir.Path);
        var key = new PartitionKey(Signal.Traces, 7, DateOnly.FromDateTime(Day));
        string longText = new('é', 200_000);
        var full = new SpanRecord
        {
            TraceId = "trace-ü", SpanId = "", ParentSpanId = "p", Service = "api 東京", Name = longText, Kind = "server",
            Start = Day.AddTicks(10), End = Day.AddSeconds(1), DurationMicros = long.MaxValue, Status = "ok",
            StatusMessage = "emoji 😀", AttributesJson = "{}", SourceAddress = 123_456_789_012, SourceIndex = int.MaxValue,
            EventsJson = "[]", LinksJson = "[1]", ResourceJson = "{\"a\":1}",
        };
        var sparse = new SpanRecord
        {
            TraceId = "trace-a", SpanId = "s", Service = "web", Name = "n", Kind = "client", Start = Day, End = Day,
            DurationMicros = 0, Status = "error", AttributesJson = "{}",
        };

        Stage(writer, SpanTable.Instance, key, [full, sparse]);
        var file = writer.WriteStaged(SpanTable.Instance, key, 64, 128);

        var rows = Query(engine, Path.Combine(dir.Path, file.Path),
            "org_id, trace_id, span_id, parent_span_id, service, name, start_ts, duration_us, status_message, source_address, source_index, events, links, resource, typeof(start_ts), typeof(org_id), typeof(duration_us)");
        Assert.Equal(2, rows.Count);

        // Sorted by trace_id: "trace-a" before "trace-ü".
        Assert.Equal(new object?[] { 7, "trace-a", "s", null, "web", "n", Day, 0L, null, 0L, 0, null, null, null, "TIMESTAMP", "INTEGER", "BIGINT" }, rows[0]);
        Assert.Equal(new object?[] { 7, "trace-ü", "", "p", "api 東京", longText, Day.AddTicks(10), long.MaxValue, "emoji 😀", 123_456_789_012L, int.MaxValue, "[]", "[1]", "{\"a\":1}", "TIMESTAMP", "INTEGER", "BIGINT" }, rows[1]);
        Assert.Equal(2, file.Rows);
        Assert.Equal(Day, file.MinTimestamp);
        Assert.Equal(Day.AddTicks(10), file.MaxTimestamp);
    }

    [Fact]
    public void Metric_lists_doubles_and_null_counts_round_trip()
    {
        using var dir = new TempDirectory();
        using var engine = new DuckDbEngine();
        using var writer = new PartitionWriter(engine, dir.Path);
        var key = new PartitionKey(Signal.Metrics, 1, DateOnly.FromDateTime(Day));
        Stage(writer, MetricTable.Instance, key,
        [
            new MetricPoint { Timestamp = Day, Name = "b", Type = "histogram", Value = 1.5, Count = 3, BucketBounds = [0.1, double.PositiveInfinity], BucketCounts = [1, 3], LabelsJson = "{}" },
            new MetricPoint { Timestamp = Day, Name = "a", Type = "gauge", Value = -2.25, LabelsJson = "{}" },
        ]);
        var file = writer.WriteStaged(MetricTable.Instance, key, 0, 64);

        var rows = Query(engine, Path.Combine(dir.Path, file.Path),
            "name, value, count, bucket_bounds::VARCHAR, bucket_counts::VARCHAR, typeof(bucket_bounds), typeof(bucket_counts)");
        Assert.Equal(new object?[] { "a", -2.25, null, null, null, "DOUBLE[]", "BIGINT[]" }, rows[0]);
        Assert.Equal(new object?[] { "b", 1.5, 3L, "[0.1, inf]", "[1, 3]", "DOUBLE[]", "BIGINT[]" }, rows[1]);
    }

    [Fact]
    public void A_written_file_is_sorted_by_the_schema_key_and_has_min_max_statistics()
    {
        using var dir = new TempDirectory();
        using var engine = new DuckDbEngine();
        using var writer = new PartitionWriter(engine, dir.Path);
        var key = new PartitionKey(Signal.Logs, 1, DateOnly.FromDateTime(Day));
        Stage(writer, LogTable.Instance, key, [Log("web", Day.AddHours(2)), Log("api", Day.AddHours(3)), Log("web", Day.AddHours(1)), Log("api", Day)]);
        var file = writer.WriteStaged(LogTable.Instance, key, 0, 64);
        string path = Path.Combine(dir.Path, file.Path);

        var rows = Query(engine, path, "service, ts");
        Assert.Equal(["api", "api", "web", "web"], rows.Select(r => (string)r[0]!));
        Assert.Equal([Day, Day.AddHours(3), Day.AddHours(1), Day.AddHours(2)], rows.Select(r => (DateTime)r[1]!));

        using var connection = engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT path_in_schema, stats_min, stats_max, compression FROM parquet_metadata({PartitionWriter.SqlLiteral(path)}) WHERE path_in_schema IN ('service', 'ts') ORDER BY 1";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(("service", "api", "web", "ZSTD"), (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        Assert.True(reader.Read());
        Assert.Equal("ts", reader.GetString(0));
        Assert.False(reader.IsDBNull(1));
        Assert.False(reader.IsDBNull(2));
    }

    [Fact]
    public void Text_that_is_not_valid_unicode_fails_its_batch_only_and_the_earlier_rows_stay_staged()
    {
        using var dir = new TempDirectory();
        using var engine = new DuckDbEngine();
        using var writer = new PartitionWriter(engine, dir.Path);
        var key = new PartitionKey(Signal.Logs, 1, DateOnly.FromDateTime(Day));
        var fresh = new PartitionKey(Signal.Logs, 1, DateOnly.FromDateTime(Day.AddDays(1)));
        Stage(writer, LogTable.Instance, key, [Log("api", Day)]);

        writer.BeginStaging();
        writer.Stage(LogTable.Instance, fresh, [Log("api", Day.AddDays(1))]);
        writer.Stage(LogTable.Instance, key, [Log("api", Day.AddHours(5))]);
        Assert.Throws<InvalidDataException>(() => writer.Stage(LogTable.Instance, key, [Log("api", Day.AddHours(6), message: "bad \ud800 half")]));
        writer.RollbackStaging();

        Assert.False(writer.HasStaged(fresh));
        Assert.True(writer.ProbeEngine(LogTable.Instance, Log("probe", Day)));
        var file = writer.WriteStaged(LogTable.Instance, key, 0, 64);
        Assert.Equal(1, file.Rows);
        Assert.Equal(Day, file.MaxTimestamp);
        Assert.Single(Query(engine, Path.Combine(dir.Path, file.Path), "message"));
    }

    [Fact]
    public void A_flush_retried_after_a_failure_writes_the_same_rows_again()
    {
        using var dir = new TempDirectory();
        using var engine = new DuckDbEngine();
        using var writer = new PartitionWriter(engine, dir.Path);
        var key = new PartitionKey(Signal.Logs, 1, DateOnly.FromDateTime(Day));
        Stage(writer, LogTable.Instance, key, [Log("b", Day), Log("a", Day.AddMinutes(1))]);
        string blocker = Path.Combine(dir.Path, "logs");
        File.WriteAllText(blocker, "in the way");

        Assert.ThrowsAny<IOException>(() => writer.WriteStaged(LogTable.Instance, key, 0, 64));
        File.Delete(blocker);
        var file = writer.WriteStaged(LogTable.Instance, key, 0, 64);
        var again = writer.WriteStaged(LogTable.Instance, key, 0, 64);

        Assert.Equal(file.Path, again.Path);
        Assert.Equal(["a", "b"], Query(engine, Path.Combine(dir.Path, file.Path), "service").Select(r => (string)r[0]!));
        writer.ReleaseStaged();
        Assert.False(writer.HasStaged(key));
    }

    private static void Stage<T>(PartitionWriter writer, ITableSchema<T> schema, PartitionKey key, List<T> rows)
        where T : TelemetryRow
    {
        writer.BeginStaging();
        writer.Stage(schema, key, rows);
        writer.CommitStaging();
    }

    private static LogRecord Log(string service, DateTime ts, string message = "m") => new()
    {
        Timestamp = ts, ReceivedAt = ts, Service = service, Level = "info", Message = message, AttributesJson = "{}",
    };

    private static List<object?[]> Query(DuckDbEngine engine, string path, string columns)
    {
        using DuckDBConnection connection = engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM read_parquet({PartitionWriter.SqlLiteral(path)})";
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}

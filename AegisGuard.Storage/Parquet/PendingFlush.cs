using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// What the next flush covers: the partitions (signal, org, day) that have rows, the rows not yet staged, and the
/// ingest log range [<see cref="FirstAddress"/>, <see cref="NextAddress"/>) they came from. <see cref="TelemetryStore.Stage"/>
/// moves listed rows into the writer's column buffers (the keys stay); one flush writes one Parquet file per partition,
/// named after that range.
/// </summary>
public sealed class PendingFlush
{
    internal Dictionary<PartitionKey, List<LogRecord>> Logs { get; } = [];

    internal Dictionary<PartitionKey, List<MetricPoint>> Metrics { get; } = [];

    internal Dictionary<PartitionKey, List<SpanRecord>> Spans { get; } = [];

    internal Dictionary<PartitionKey, List<RumEvent>> Rum { get; } = [];

    /// <summary>Address of the first record covered, or -1 when nothing is.</summary>
    public long FirstAddress { get; private set; } = -1;

    /// <summary>Address right after the last record covered.</summary>
    public long NextAddress { get; private set; }

    /// <summary>Rows collected since the last flush (staged or not).</summary>
    public int RowCount { get; private set; }

    /// <summary>Rows added since the last staging.</summary>
    public int UnstagedCount { get; private set; }

    /// <summary>True when rows wait to be staged.</summary>
    public bool HasUnstaged => UnstagedCount > 0;

    /// <summary>True when no ingest log record is covered yet.</summary>
    public bool IsEmpty => FirstAddress < 0;

    /// <summary>Records that the ingest log record at <paramref name="address"/> (ending at <paramref name="nextAddress"/>) is part of this flush.</summary>
    public void Cover(long address, long nextAddress)
    {
        if (FirstAddress < 0)
        {
            FirstAddress = address;
        }

        NextAddress = nextAddress;
    }

    /// <summary>Adds a log line of <paramref name="orgId"/>.</summary>
    public void Add(int orgId, LogRecord row) => Add(Logs, new PartitionKey(Signal.Logs, orgId, DateOnly.FromDateTime(row.Timestamp)), row);

    /// <summary>Adds a metric sample of <paramref name="orgId"/>.</summary>
    public void Add(int orgId, MetricPoint row) => Add(Metrics, new PartitionKey(Signal.Metrics, orgId, DateOnly.FromDateTime(row.Timestamp)), row);

    /// <summary>Adds a span of <paramref name="orgId"/>.</summary>
    public void Add(int orgId, SpanRecord row) => Add(Spans, new PartitionKey(Signal.Traces, orgId, DateOnly.FromDateTime(row.Start)), row);

    /// <summary>Adds a RUM event of <paramref name="orgId"/>.</summary>
    public void Add(int orgId, RumEvent row) => Add(Rum, new PartitionKey(Signal.Rum, orgId, DateOnly.FromDateTime(row.Timestamp)), row);

    /// <summary>The listed rows were staged: empties the lists (the keys stay, so the flush writes their partitions).</summary>
    public void MarkStaged()
    {
        ClearLists();
        UnstagedCount = 0;
    }

    /// <summary>Drops the rows not staged yet (a batch that cannot be staged and was set aside instead).</summary>
    public void DropUnstaged()
    {
        ClearLists();
        RowCount -= UnstagedCount;
        UnstagedCount = 0;
    }

    private void ClearLists()
    {
        foreach (var rows in Logs.Values)
        {
            rows.Clear();
        }

        foreach (var rows in Metrics.Values)
        {
            rows.Clear();
        }

        foreach (var rows in Spans.Values)
        {
            rows.Clear();
        }

        foreach (var rows in Rum.Values)
        {
            rows.Clear();
        }
    }

    /// <summary>Starts over after a successful flush.</summary>
    public void Clear()
    {
        Logs.Clear();
        Metrics.Clear();
        Spans.Clear();
        Rum.Clear();
        FirstAddress = -1;
        NextAddress = 0;
        RowCount = 0;
        UnstagedCount = 0;
    }

    private void Add<T>(Dictionary<PartitionKey, List<T>> partitions, PartitionKey key, T row)
    {
        if (!partitions.TryGetValue(key, out var rows))
        {
            rows = [];
            partitions[key] = rows;
        }

        rows.Add(row);
        RowCount++;
        UnstagedCount++;
    }
}

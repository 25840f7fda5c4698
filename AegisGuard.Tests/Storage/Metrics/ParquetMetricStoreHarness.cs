using System.Text.Json;
using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Parquet.Metrics;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>
/// A Parquet metric store in a temp directory: each batch of samples is one flush (one ingest log record per sample, in
/// order), and <see cref="FollowAsync"/> brings the catalog and the rollups up to date the way the host's follower does.
/// </summary>
public sealed class ParquetMetricStoreHarness : IDisposable
{
    private readonly TempDirectory? ownDirectory;
    private long nextAddress = 64;

    public ParquetMetricStoreHarness(string? directory = null)
    {
        if (directory is null)
        {
            ownDirectory = new TempDirectory();
        }

        Directory = directory ?? ownDirectory!.Path;
        Telemetry = new TelemetryStore(new DataDirectory(Directory));
        Metrics = new ParquetMetricStore(Telemetry);
        nextAddress = Math.Max(64, Telemetry.FlushedUntil);
    }

    public string Directory { get; }

    public TelemetryStore Telemetry { get; }

    public ParquetMetricStore Metrics { get; }

    /// <summary>Stores one batch as one flush; returns the address after it.</summary>
    public long Flush(IReadOnlyList<MetricSeed> batch)
    {
        var flush = new PendingFlush();
        int index = 0;
        long first = nextAddress;
        foreach (var seed in batch)
        {
            long address = nextAddress;
            nextAddress += 64;
            flush.Cover(address, nextAddress);
            flush.Add(seed.OrgId, Point(seed, address, index++));
        }

        if (batch.Count == 0)
        {
            flush.Cover(first, nextAddress += 64);
        }

        Telemetry.Flush(flush);
        return nextAddress;
    }

    public Task FollowAsync() => Metrics.FollowAllAsync(CancellationToken.None);

    public static MetricPoint Point(MetricSeed seed, long address, int index) => new()
    {
        Timestamp = DateTime.UnixEpoch.AddMilliseconds(seed.TimeMs),
        Name = seed.Name,
        Type = seed.Type,
        Value = seed.Value,
        Count = seed.Count,
        BucketBounds = seed.Bounds,
        BucketCounts = seed.BucketCounts,
        LabelsJson = JsonSerializer.Serialize(new SortedDictionary<string, string>(seed.Labels.ToDictionary(), StringComparer.Ordinal)),
        SourceAddress = address,
        SourceIndex = index,
    };

    public void Dispose()
    {
        Metrics.Dispose();
        Telemetry.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        ownDirectory?.Dispose();
    }
}

using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Storage;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;
using BenchmarkDotNet.Attributes;

namespace AegisGuard.Benchmarks;

/// <summary>
/// The write path after the 202, per 1000 rows of the load tool's logs: the row codec's decode of an ingest log record
/// (the normalizer's decode stage), staging (the write stage, per batch as it arrives) and a whole flush —
/// staging <see cref="BatchesPerFlush"/> batches, then the sorted zstd COPY to Parquet, the fsyncs and the manifest
/// transaction. The COPY's own share is the flush minus the staging.
/// Run: <c>dotnet AegisGuard.Benchmarks.dll --filter '*WritePath*' --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class WritePathBenchmarks : IDisposable
{
    /// <summary>About one second of rows at the end-to-end rate measured before issue #9 (the flush interval is 1 s).</summary>
    public const int BatchesPerFlush = 40;

    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTime Now = new(2025, 10, 31, 12, 0, 1, DateTimeKind.Utc);
    private readonly RowBuffer encoded = new();
    private string directory = null!;
    private TelemetryStore store = null!;
    private IReadOnlyList<TelemetryRow> rows = null!;
    private long address = 64;

    [GlobalSetup]
    public void Setup()
    {
        var corpus = ScrubberCorpus.Create(events: 1000, messageBytes: 160, seed: 42);
        var context = new DecodeContext
        {
            ReceivedAt = Now,
            OldestAllowed = Now.AddDays(-7),
            NewestAllowed = Now.AddMinutes(5),
            Scrubber = new PiiScrubber(PiiMode.Redact, Key),
        };
        rows = new LogBatchDecoder().DecodeRows(corpus.Body, context).Rows!;
        TelemetryRowCodec.Write(encoded, Signal.Logs, rows);
        directory = Path.Combine(Path.GetTempPath(), "aegis-bench-" + Guid.NewGuid().ToString("N"));
        var data = new DataDirectory(directory);
        data.EnsureCreated();
        store = new TelemetryStore(data);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        store?.Dispose();
        store = null!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>One record's rows read back from the codec (the normalizer's decode stage).</summary>
    [Benchmark]
    public int CodecDecode() => TelemetryRowCodec.Read(encoded.WrittenSpan, Signal.Logs, 64).Count;

    /// <summary>Staging only: <see cref="BatchesPerFlush"/> batches staged, then forgotten.</summary>
    [Benchmark(OperationsPerInvoke = BatchesPerFlush)]
    public int Stage()
    {
        var pending = Fill();
        int count = pending.RowCount;
        store.DiscardStaged();
        return count;
    }

    /// <summary>A whole flush: staging, the sorted zstd COPY, fsync + rename, the manifest transaction.</summary>
    [Benchmark(OperationsPerInvoke = BatchesPerFlush)]
    public int StageAndFlush()
    {
        var pending = Fill();
        return store.Flush(pending).Count;
    }

    private PendingFlush Fill()
    {
        var pending = new PendingFlush();
        for (int batch = 0; batch < BatchesPerFlush; batch++)
        {
            pending.Cover(address, address + 1000);
            address += 1000;
            foreach (var row in rows)
            {
                pending.Add(1, (LogRecord)row);
            }

            store.Stage(pending);
        }

        return pending;
    }
}

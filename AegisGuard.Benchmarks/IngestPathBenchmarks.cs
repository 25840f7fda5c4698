using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using AegisGuard.Storage.Telemetry;
using BenchmarkDotNet.Attributes;

namespace AegisGuard.Benchmarks;

/// <summary>
/// The request path of one 1000-event log batch before its 202, stage by stage: the wire check alone, the whole decode
/// without and with the redacting scrubber (wire check + JSON parse + fields + attributes + scrub), the scrubber alone
/// over the batch's messages, and the row codec's encode of the decoded rows (what the ingest log record holds).
/// The body is the load tool's (<c>BodyGenerator</c>, 160-byte messages as <c>AegisGuard.Load ingest-logs</c> sends).
/// Run: <c>dotnet AegisGuard.Benchmarks.dll --filter '*IngestPath*' --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class IngestPathBenchmarks
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTime Now = new(2025, 10, 31, 12, 0, 1, DateTimeKind.Utc);
    private static readonly FieldNames LogFields = new("timestamp", "service", "level", "message", "host", "trace_id", "span_id", "attributes");
    private readonly LogBatchDecoder decoder = new();
    private readonly RowBuffer output = new();
    private ScrubberCorpus corpus = null!;
    private PiiScrubber redact = null!;
    private IReadOnlyList<TelemetryRow> rows = null!;

    [GlobalSetup]
    public void Setup()
    {
        corpus = ScrubberCorpus.Create(events: 1000, messageBytes: 160, seed: 42);
        redact = new PiiScrubber(PiiMode.Redact, Key);
        rows = decoder.DecodeRows(corpus.Body, Context(redact)).Rows!;
    }

    /// <summary>The forward-only wire check (UTF-8, duplicates, depth, numbers) the decode starts with.</summary>
    [Benchmark]
    public int WireCheck() => WireValidator.Check(corpus.Body, "logs"u8, 1000, LogFields, Context(null)).ItemCount;

    /// <summary>The whole decode without a scrubber.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeUnscrubbed() => decoder.DecodeRows(corpus.Body, Context(null)).Rows!.Count;

    /// <summary>The whole decode with the redacting scrubber: what the ingest API runs per batch.</summary>
    [Benchmark]
    public int DecodeRedact() => decoder.DecodeRows(corpus.Body, Context(redact)).Rows!.Count;

    /// <summary>The scrubber alone over the 1000 messages.</summary>
    [Benchmark]
    public int ScrubMessages()
    {
        int changed = 0;
        foreach (string message in corpus.Messages)
        {
            if (!ReferenceEquals(redact.Scrub(message), message))
            {
                changed++;
            }
        }

        return changed;
    }

    /// <summary>The decoded rows encoded for the ingest log record.</summary>
    [Benchmark]
    public int CodecEncode()
    {
        output.Reset();
        TelemetryRowCodec.Write(output, Signal.Logs, rows);
        return output.WrittenCount;
    }

    private static DecodeContext Context(PiiScrubber? scrubber) => new()
    {
        ReceivedAt = Now,
        OldestAllowed = Now.AddDays(-7),
        NewestAllowed = Now.AddMinutes(5),
        Scrubber = scrubber,
    };
}

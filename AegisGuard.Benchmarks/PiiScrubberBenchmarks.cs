using AegisGuard.Ingest.Schema;
using AegisGuard.Pipeline;
using BenchmarkDotNet.Attributes;

namespace AegisGuard.Benchmarks;

/// <summary>
/// What PII scrubbing costs per event: the scrubber alone over realistic messages and values, and the whole ingest
/// decode of a 500-event body (validate, decode, scrub every field, write attributes) with and without a scrubber.
/// Run: <c>dotnet run -c Release --project AegisGuard.Benchmarks -- --filter '*PiiScrubber*'</c>.
/// </summary>
[MemoryDiagnoser]
public class PiiScrubberBenchmarks
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly DateTime Now = new(2025, 10, 31, 12, 0, 1, DateTimeKind.Utc);
    private readonly LogBatchDecoder decoder = new();
    private ScrubberCorpus corpus = null!;
    private PiiScrubber redact = null!;
    private PiiScrubber hash = null!;

    [GlobalSetup]
    public void Setup()
    {
        corpus = ScrubberCorpus.Create(events: 500, messageBytes: 200, seed: 42);
        redact = new PiiScrubber(PiiMode.Redact, Key);
        hash = new PiiScrubber(PiiMode.Hash, Key);
    }

    /// <summary>500 messages through the redacting scrubber.</summary>
    [Benchmark]
    public int MessagesRedact() => ScrubAll(redact, corpus.Messages);

    /// <summary>500 messages through the hashing scrubber.</summary>
    [Benchmark]
    public int MessagesHash() => ScrubAll(hash, corpus.Messages);

    /// <summary>The other string values of the 500 events (services, hosts, ids, attribute values).</summary>
    [Benchmark]
    public int OtherValuesRedact() => ScrubAll(redact, corpus.Values);

    /// <summary>The ingest decode of one 500-event body without scrubbing: the floor.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeBodyUnscrubbed() => Decode(scrubber: null);

    /// <summary>The ingest decode of one 500-event body with the redacting scrubber.</summary>
    [Benchmark]
    public int DecodeBodyRedact() => Decode(redact);

    private static int ScrubAll(PiiScrubber scrubber, string[] values)
    {
        int changed = 0;
        foreach (string value in values)
        {
            if (!ReferenceEquals(scrubber.Scrub(value), value))
            {
                changed++;
            }
        }

        return changed;
    }

    private int Decode(PiiScrubber? scrubber)
    {
        var context = new DecodeContext
        {
            ReceivedAt = Now,
            OldestAllowed = Now.AddDays(-7),
            NewestAllowed = Now.AddMinutes(5),
            Scrubber = scrubber,
        };
        return decoder.Decode(corpus.Body, context).Rows!.Count;
    }
}

using System.Globalization;
using System.Text;
using AegisGuard.Ingest.Schema;
using BenchmarkDotNet.Attributes;

namespace AegisGuard.Benchmarks;

/// <summary>
/// The request path's decode of one 5000-item <c>POST /v1/metrics</c> body shaped like <c>AegisGuard.Load
/// metrics-side-by-side</c>'s: per scrape 480 counters with four labels, 40 gauges, and 40 histograms of 10 bounds and
/// +Inf with sum and count. Run: <c>dotnet AegisGuard.Benchmarks.dll --filter '*MetricDecode*' --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class MetricDecodeBenchmarks
{
    private static readonly DateTime Now = new(2025, 10, 31, 12, 0, 1, DateTimeKind.Utc);
    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private readonly MetricBatchDecoder decoder = new();
    private readonly MetricBatchDecoder documentOnly = new() { SinglePass = false };
    private byte[] body = [];

    [GlobalSetup]
    public void Setup()
    {
        var json = new StringBuilder("{\"metrics\":[");
        int items = 0;
        long ts = (long)(Now.AddMinutes(-30) - DateTime.UnixEpoch).TotalMilliseconds;
        for (int scrape = 0; items < 5000; scrape++, ts += 15_000)
        {
            string time = DateTime.UnixEpoch.AddMilliseconds(ts).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            for (int i = 0; i < 560 && items < 5000; i++, items++)
            {
                json.Append(items == 0 ? "" : ",");
                string service = "svc-" + (i % 20).ToString(CultureInfo.InvariantCulture);
                if (i < 480)
                {
                    json.Append("{\"name\":\"http_requests_total\",\"type\":\"counter\",\"value\":").Append((scrape * 10) + i)
                        .Append(",\"timestamp\":\"").Append(time).Append("\",\"labels\":{\"service\":\"").Append(service)
                        .Append("\",\"instance\":\"i-").Append(i % 2).Append("\",\"route\":\"/r").Append(i % 4)
                        .Append("\",\"code\":\"").Append(200 + (i % 3)).Append("\"}}");
                }
                else if (i < 520)
                {
                    json.Append("{\"name\":\"process_memory_bytes\",\"type\":\"gauge\",\"value\":").Append(1e8 + i)
                        .Append(",\"timestamp\":\"").Append(time).Append("\",\"labels\":{\"service\":\"").Append(service)
                        .Append("\",\"instance\":\"i-").Append(i % 2).Append("\"}}");
                }
                else
                {
                    json.Append(CultureInfo.InvariantCulture, $$"""{"name":"http_request_duration_seconds","type":"histogram","sum":{{12.5 + i}},"count":{{1000 + scrape}},"timestamp":"{{time}}","labels":{"service":"{{service}}","instance":"i-{{i % 2}}"},"buckets":[""");
                    for (int b = 0; b < Bounds.Length; b++)
                    {
                        json.Append(CultureInfo.InvariantCulture, $$"""{"le":{{Bounds[b]}},"count":{{(b + 1) * 90}}},""");
                    }

                    json.Append(CultureInfo.InvariantCulture, $$"""{"le":"+Inf","count":{{1000 + scrape}}}]}""");
                }
            }
        }

        json.Append("]}");
        body = Encoding.UTF8.GetBytes(json.ToString());
        if (decoder.DecodeRows(body, Context()).Rows is not { Count: 5000 } || decoder.TryDecodeWhole(body, Context()) is not { Count: 5000 })
        {
            throw new InvalidOperationException("the generated body did not decode into 5000 rows, or not by the single pass once its label sets were known");
        }
    }

    /// <summary>The whole decode (wire check, single pass over fields, labels, buckets) of the 5000 items.</summary>
    [Benchmark]
    public int Decode() => decoder.DecodeRows(body, Context()).Rows!.Count;

    /// <summary>The same through the document path (wire check, JsonDocument, a walk over its elements): the decode before the single pass.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeByDocument() => documentOnly.DecodeRows(body, Context()).Rows!.Count;

    private static DecodeContext Context() => new()
    {
        ReceivedAt = Now,
        OldestAllowed = Now.AddDays(-7),
        NewestAllowed = Now.AddMinutes(5),
    };
}

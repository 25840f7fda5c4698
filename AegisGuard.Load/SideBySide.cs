using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;

namespace AegisGuard.Load;

/// <summary>
/// <c>side-by-side</c>: the same events to AegisGuard and to a ClickHouse server, then the same searches to both and
/// to DuckDB run directly on AegisGuard's Parquet files, printing medians and ratios (issue #9). One run, interleaved,
/// so the three see the same machine. scripts/bench-side-by-side.sh starts the servers and calls this.
/// </summary>
/// <remarks>
/// The events are the logs-dataset generator's (deterministic bodies); each body goes to AegisGuard signed, as sent,
/// and to ClickHouse as JSONEachRow rows of the same events (table made by this class: MergeTree by day, ordered by
/// service and time, the layout AegisGuard's Parquet files have). Accept rates are measured per system with the same
/// senders; "queryable" for AegisGuard waits for GET /api/logs/stats to count every row.
/// </remarks>
internal static class SideBySide
{
    public const string Name = "side-by-side";

    public const string Usage = """
        side-by-side --url <aegis url> --key-json '{"id","secret"}' --clickhouse <http url> --data <aegis data dir>
                     [--events 1000000] [--span 24h] [--senders 8] [--batch 1000] [--iterations 20]
          the same events to AegisGuard and ClickHouse, then the same searches to both and to raw DuckDB on the same
          Parquet files; prints per-query p50/p95 and the ratios
        """;

    private static readonly (string Key, string LogQl, string Extra, string DuckDb, string ClickHouse)[] Searches =
    [
        ("service", "{service=\"checkout\"}", "&limit=100",
            "SELECT ts, service, level, message FROM {files} WHERE service = 'checkout' AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100",
            "SELECT ts, service, level, message FROM logs WHERE service = 'checkout' AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100"),
        ("substring", "{service=\"api\"} |= \"timeout\"", "&limit=100",
            "SELECT ts, service, level, message FROM {files} WHERE service = 'api' AND contains(message, 'timeout') AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100",
            "SELECT ts, service, level, message FROM logs WHERE service = 'api' AND position(message, 'timeout') > 0 AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100"),
        ("json_filter", "{service=\"api\"} | json | status >= 500", "&limit=100",
            "SELECT ts, service, level, message FROM {files} WHERE service = 'api' AND TRY_CAST(CASE WHEN starts_with(message, '{') AND json_valid(message) THEN json_extract_string(message, '$.status') END AS DOUBLE) >= 500 AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100",
            "SELECT ts, service, level, message FROM logs WHERE service = 'api' AND visitParamExtractFloat(message, 'status') >= 500 AND ts BETWEEN {from} AND {to} ORDER BY ts DESC LIMIT 100"),
        ("per_minute_24h", "sum by (service) (count_over_time({}[1m]))", "&step=60",
            "SELECT service, time_bucket(INTERVAL 1 minute, ts) AS minute, count(*) FROM {files} WHERE ts BETWEEN {from} AND {to} GROUP BY 1, 2",
            "SELECT service, toStartOfMinute(ts) AS minute, count() FROM logs WHERE ts BETWEEN {from} AND {to} GROUP BY service, minute"),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = Parse(args);
        using var aegis = new HttpClient { BaseAddress = options.Url, Timeout = TimeSpan.FromMinutes(2) };
        using var clickHouse = new HttpClient { BaseAddress = options.ClickHouse, Timeout = TimeSpan.FromMinutes(2) };
        var generator = new DatasetBodyGenerator(options.Batch);
        var signer = new HmacSigner(options.Secret);
        long batches = (options.Events + options.Batch - 1) / options.Batch;
        var end = DateTime.UtcNow.AddMinutes(-1);
        var first = end - options.Span;
        var slice = options.Span / batches;
        output.WriteLine($"side-by-side: {batches * options.Batch:N0} events over {first:u} … {end:u}, {options.Senders} senders × {options.Batch}");

        await ClickHouseAsync(clickHouse, "DROP TABLE IF EXISTS logs", null, cancellationToken);
        await ClickHouseAsync(clickHouse,
            "CREATE TABLE logs (ts DateTime, ts_ms UInt16, service String, level String, host String, message String, trace_id String, attributes String) " +
            "ENGINE = MergeTree PARTITION BY toDate(ts) ORDER BY (service, ts)", null, cancellationToken);

        // Ingest: each system gets every body from the same senders, AegisGuard first, then ClickHouse.
        double aegisAccept = await SendAllAsync(batches, options.Batch, options.Senders, async index =>
        {
            var body = generator.Create(unchecked((int)index), first + (slice * index), slice, signer);
            await SendSignedAsync(aegis, options.KeyId, body, cancellationToken);
        }, cancellationToken);
        var aegisWatch = Stopwatch.StartNew();
        long expected = batches * options.Batch;
        while (await StoredRowsAsync(aegis, options, cancellationToken) < expected)
        {
            await Task.Delay(200, cancellationToken);
        }

        double aegisCaughtUp = aegisWatch.Elapsed.TotalSeconds;
        double clickHouseAccept = await SendAllAsync(batches, options.Batch, options.Senders, async index =>
        {
            var body = generator.Create(unchecked((int)index), first + (slice * index), slice, signer);
            await ClickHouseAsync(clickHouse, "INSERT INTO logs FORMAT JSONEachRow", ToJsonEachRow(body.Content), cancellationToken);
        }, cancellationToken);
        await ClickHouseAsync(clickHouse, "OPTIMIZE TABLE logs FINAL", null, cancellationToken);

        var (aegisBytes, _) = await StatsAsync(aegis, options, cancellationToken);
        double clickHouseBytes = double.Parse(
            (await ClickHouseAsync(clickHouse, "SELECT sum(data_compressed_bytes) / (SELECT count() FROM logs) FROM system.columns WHERE database = currentDatabase() AND table = 'logs'", null, cancellationToken)).Trim(),
            CultureInfo.InvariantCulture);
        output.WriteLine($"ingest: AegisGuard accepted {aegisAccept:N0} events/s (every row queryable {aegisCaughtUp:N1} s after the last 202); " +
            $"ClickHouse accepted {clickHouseAccept:N0} events/s; ratio {aegisAccept / clickHouseAccept:N2}");
        output.WriteLine($"bytes per stored log: AegisGuard {aegisBytes:N1}, ClickHouse {clickHouseBytes:N1} (LZ4)");

        // Searches: the three run in turn each iteration, after a warm-up round each.
        string files = ParquetFiles(options.DataDir);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        var rows = new List<string>();
        output.WriteLine();
        output.WriteLine("| search | AegisGuard p50 / p95 | of which server p50 | DuckDB direct p50 / p95 | ClickHouse p50 / p95 | AegisGuard ÷ DuckDB | AegisGuard ÷ ClickHouse |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var search in Searches)
        {
            string from = first.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string to = end.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            string duckSql = search.DuckDb.Replace("{files}", files, StringComparison.Ordinal)
                .Replace("{from}", $"TIMESTAMP '{first:yyyy-MM-dd HH:mm:ss}'", StringComparison.Ordinal)
                .Replace("{to}", $"TIMESTAMP '{end:yyyy-MM-dd HH:mm:ss}'", StringComparison.Ordinal);
            string chSql = search.ClickHouse
                .Replace("{from}", $"toDateTime('{first:yyyy-MM-dd HH:mm:ss}', 'UTC')", StringComparison.Ordinal)
                .Replace("{to}", $"toDateTime('{end:yyyy-MM-dd HH:mm:ss}', 'UTC')", StringComparison.Ordinal) + " FORMAT TabSeparated";
            string path = $"api/logs/query?query={Uri.EscapeDataString(search.LogQl)}&from={from}&to={to}{search.Extra}";
            var a = new List<double>();
            var server = new List<double>();
            var d = new List<double>();
            var c = new List<double>();
            for (int i = -1; i < options.Iterations; i++)
            {
                string answer = string.Empty;
                double ta = await TimeAsync(async () => answer = await AegisQueryAsync(aegis, options, path, cancellationToken));
                double td = await TimeAsync(() => Task.FromResult(DuckQuery(duck, duckSql)));
                double tc = await TimeAsync(() => ClickHouseAsync(clickHouse, chSql, null, cancellationToken));
                if (i >= 0)
                {
                    a.Add(ta);
                    server.Add(ServerMilliseconds(answer));
                    d.Add(td);
                    c.Add(tc);
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {search.Key} | {P(a, 50):N1} / {P(a, 95):N1} ms | {P(server, 50):N1} ms | {P(d, 50):N1} / {P(d, 95):N1} ms | {P(c, 50):N1} / {P(c, 95):N1} ms | {P(a, 50) / P(d, 50):N2} | {P(a, 50) / P(c, 50):N2} |"));
        }

        return 0;
    }

    private static async Task<double> SendAllAsync(long batches, int batchSize, int senders, Func<long, Task> send, CancellationToken cancellationToken)
    {
        long next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            for (long index = Interlocked.Increment(ref next); index < batches; index = Interlocked.Increment(ref next))
            {
                await send(index);
            }
        }, cancellationToken)));
        return batches * (double)batchSize / watch.Elapsed.TotalSeconds;
    }

    private static async Task SendSignedAsync(HttpClient aegis, string keyId, SignedBody body, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("v1/logs", UriKind.Relative)) { Content = new ReadOnlyMemoryContent(body.Content) };
            request.Headers.TryAddWithoutValidation("x-org-key", keyId);
            request.Headers.TryAddWithoutValidation("x-signature", body.Signature);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var response = await aegis.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return;
            }

            if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
            {
                throw new LoadAbortedException($"POST /v1/logs answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The same events as ClickHouse rows: DateTime has whole seconds in 18.16, so the milliseconds ride beside.</summary>
    private static byte[] ToJsonEachRow(ReadOnlyMemory<byte> body)
    {
        using var json = JsonDocument.Parse(body);
        var buffer = new ArrayBufferWriter<byte>(body.Length + 4096);
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var item in json.RootElement.GetProperty("logs").EnumerateArray())
        {
            var ts = item.GetProperty("timestamp").GetDateTime().ToUniversalTime();
            writer.WriteStartObject();
            writer.WriteNumber("ts", new DateTimeOffset(ts).ToUnixTimeSeconds());
            writer.WriteNumber("ts_ms", ts.Millisecond);
            writer.WriteString("service", item.GetProperty("service").GetString());
            writer.WriteString("level", item.GetProperty("level").GetString());
            writer.WriteString("host", item.TryGetProperty("host", out var host) ? host.GetString() : "");
            writer.WriteString("message", item.GetProperty("message").GetString());
            writer.WriteString("trace_id", item.TryGetProperty("trace_id", out var trace) ? trace.GetString() : "");
            writer.WriteString("attributes", item.TryGetProperty("attributes", out var attributes) ? attributes.GetRawText() : "{}");
            writer.WriteEndObject();
            writer.Flush();
            buffer.Write("\n"u8);
            writer.Reset();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static async Task<string> ClickHouseAsync(HttpClient clickHouse, string sql, byte[]? rows, CancellationToken cancellationToken)
    {
        // wait_end_of_query: an error in mid-result would otherwise arrive inside a 200.
        var uri = new Uri($"?wait_end_of_query=1&query={Uri.EscapeDataString(sql)}", UriKind.Relative);
        using var content = rows is null ? null : new ByteArrayContent(rows);
        using var response = await clickHouse.PostAsync(uri, content, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadAbortedException($"ClickHouse answered {(int)response.StatusCode} to {sql[..Math.Min(sql.Length, 80)]}: {text}");
        }

        return text;
    }

    private static async Task<string> AegisQueryAsync(HttpClient aegis, SideBySideOptions options, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"{options.KeyId}.{options.Secret}");
        using var response = await aegis.SendAsync(request, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new LoadAbortedException($"GET {path} answered {(int)response.StatusCode}: {body}");
        }

        return body;
    }

    /// <summary>The answer's own stats.elapsed_ms: the time from a parsed request to the result, before serialising.</summary>
    private static double ServerMilliseconds(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("stats").GetProperty("elapsed_ms").GetDouble();
    }

    private static long DuckQuery(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        long count = 0;
        while (reader.Read())
        {
            // Materialise every value, as an API answer would.
            for (int i = 0; i < reader.FieldCount; i++)
            {
                _ = reader.GetValue(i);
            }

            count++;
        }

        return count;
    }

    private static async Task<long> StoredRowsAsync(HttpClient aegis, SideBySideOptions options, CancellationToken cancellationToken) =>
        (await StatsAsync(aegis, options, cancellationToken)).Rows;

    private static async Task<(double BytesPerLog, long Rows)> StatsAsync(HttpClient aegis, SideBySideOptions options, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await AegisQueryAsync(aegis, options, "api/logs/stats", cancellationToken));
        return (json.RootElement.GetProperty("bytes_per_log").GetDouble(), json.RootElement.GetProperty("rows").GetInt64());
    }

    /// <summary>Every logs Parquet file of the data directory (one org on a fresh one), as a DuckDB list literal.</summary>
    private static string ParquetFiles(string dataDir)
    {
        var files = Directory.GetFiles(Path.Combine(dataDir, "telemetry", "logs"), "*.parquet", SearchOption.AllDirectories);
        if (files.Length == 0)
        {
            throw new LoadAbortedException($"no logs Parquet files under {dataDir}/telemetry/logs");
        }

        var list = new StringBuilder("read_parquet([");
        list.AppendJoin(", ", files.Select(f => $"'{f.Replace("'", "''", StringComparison.Ordinal)}'"));
        return list.Append("])").ToString();
    }

    private static async Task<double> TimeAsync<T>(Func<Task<T>> run)
    {
        long start = Stopwatch.GetTimestamp();
        await run();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static SideBySideOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new FormatException($"expected --name value at '{args[i]}'\n{Usage}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Need(string name) => values.TryGetValue(name, out var v) ? v : throw new FormatException($"--{name} is required\n{Usage}");
        using var key = JsonDocument.Parse(Need("key-json"));
        return new SideBySideOptions
        {
            Url = new Uri(Need("url").TrimEnd('/') + "/"),
            ClickHouse = new Uri(Need("clickhouse").TrimEnd('/') + "/"),
            DataDir = Need("data"),
            KeyId = key.RootElement.GetProperty("id").GetString()!,
            Secret = key.RootElement.GetProperty("secret").GetString()!,
            Events = values.TryGetValue("events", out var e) ? long.Parse(e, CultureInfo.InvariantCulture) : 1_000_000,
            Span = values.TryGetValue("span", out var s) && LoadOptions.TryParseDuration(s, out var span) ? span : TimeSpan.FromHours(24),
            Senders = values.TryGetValue("senders", out var n) ? int.Parse(n, CultureInfo.InvariantCulture) : 8,
            Batch = values.TryGetValue("batch", out var b) ? int.Parse(b, CultureInfo.InvariantCulture) : 1000,
            Iterations = values.TryGetValue("iterations", out var it) ? int.Parse(it, CultureInfo.InvariantCulture) : 20,
        };
    }
}

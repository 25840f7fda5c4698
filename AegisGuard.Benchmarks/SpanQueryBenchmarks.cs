using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;

namespace AegisGuard.Benchmarks;

/// <summary>
/// The traces-dataset read queries run directly in DuckDB over the same span files, with no manifest, summaries or
/// HTTP: the engine's own time, to put AegisGuard's in proportion (docs/benchmarks.md). Point <c>AEGIS_BENCH_DATA</c> at
/// the data directory the load run filled (server stopped) and <c>AEGIS_BENCH_ORG</c> at its org (default 1).
/// </summary>
[MemoryDiagnoser(false)]
public class SpanQueryBenchmarks : IDisposable
{
    private DuckDBConnection connection = null!;
    private string files = "";
    private string[] traceIds = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        string data = Environment.GetEnvironmentVariable("AEGIS_BENCH_DATA") ?? throw new InvalidOperationException("set AEGIS_BENCH_DATA to a data directory");
        string org = Environment.GetEnvironmentVariable("AEGIS_BENCH_ORG") ?? "1";
        files = Path.Combine(data, "telemetry", "traces", $"org={org}", "**", "*.parquet").Replace("'", "''", StringComparison.Ordinal);
        connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT DISTINCT trace_id FROM read_parquet('{files}') USING SAMPLE 40 ROWS";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        traceIds = [.. ids];
    }

    [GlobalCleanup]
    public void Cleanup() => connection.Dispose();

    public void Dispose()
    {
        connection?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Every span of one trace (as GET /api/traces/{id} reads them), over all the org's span files.</summary>
    [Benchmark]
    public int TraceById()
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet('{files}') WHERE trace_id = $id ORDER BY start_ts";
        command.Parameters.Add(new DuckDBParameter("id", traceIds[next++ % traceIds.Length]));
        return Count(command);
    }

    /// <summary>The newest 20 traces with a span of service payments, computed from the spans (no summaries).</summary>
    [Benchmark]
    public int SearchByService() => Run("""
        SELECT trace_id, min(start_ts) AS start, count(*) FROM read_parquet('{0}')
        GROUP BY trace_id HAVING bool_or(service = 'payments') ORDER BY start DESC LIMIT 20
        """);

    /// <summary>The 20 longest traces with an error, computed from the spans.</summary>
    [Benchmark]
    public int SearchErrorsByDuration() => Run("""
        SELECT trace_id, max(end_ts) - min(start_ts) AS d FROM read_parquet('{0}')
        GROUP BY trace_id HAVING bool_or(status = 'error') ORDER BY d DESC LIMIT 20
        """);

    /// <summary>The service map's edges over the whole data set (the same self-join the store runs).</summary>
    [Benchmark]
    public int MapEdges() => Run("""
        WITH s AS (SELECT trace_id, span_id, parent_span_id, service, status, duration_us FROM read_parquet('{0}')),
        p AS (SELECT DISTINCT trace_id, span_id, service FROM s)
        SELECT p.service, c.service, count(*), count(*) FILTER (WHERE c.status = 'error'), quantile_cont(c.duration_us, 0.5),
               quantile_cont(c.duration_us, 0.95), quantile_cont(c.duration_us, 0.99)
        FROM s c JOIN p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id WHERE p.service <> c.service GROUP BY 1, 2
        """);

    private int Run(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, files);
        return Count(command);
    }

    private static int Count(DuckDBCommand command)
    {
        int rows = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows++;
        }

        return rows;
    }
}

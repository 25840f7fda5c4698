using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>Span aggregates: services and operations, the service map, duration distributions and RED series.</summary>
/// <remarks>
/// A span sent more than once (same trace id and span id) counts once, as in the trace view and the summaries: one of
/// the stored copies that start in the range (and match the service and operation asked for) is used — which one is
/// not defined, unlike the trace view's first received, so copies that differ in content may count differently there.
/// Copies are told apart inside the files of the range only, as every other figure here is.
/// </remarks>
public sealed partial class ParquetSpanStore
{
    private const string Quantiles = "quantile_cont(duration_us, 0.5), quantile_cont(duration_us, 0.95), quantile_cont(duration_us, 0.99)";
    private const string EntryQuantiles =
        "quantile_cont(duration_us, 0.5) FILTER (WHERE entry), quantile_cont(duration_us, 0.95) FILTER (WHERE entry), quantile_cont(duration_us, 0.99) FILTER (WHERE entry)";

    /// <inheritdoc />
    public async Task<SpanStatsResult> StatsAsync(SpanStatsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string group = request.Service is null ? "service" : "name";
        var (groups, warnings) = await ReadRangeAsync(request, request.From, new List<SpanGroupStats>(), (command, spans) =>
        {
            command.CommandText = $"""
                WITH s AS ({spans})
                SELECT {group}, count(*), count(*) FILTER (WHERE entry), count(*) FILTER (WHERE entry AND status = 'error'),
                       count(*) FILTER (WHERE status = 'error'), {EntryQuantiles}, {Quantiles}, count(DISTINCT name)
                FROM s GROUP BY {group} ORDER BY {group}
                """;
            var rows = new List<SpanGroupStats>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                long spanCount = reader.GetInt64(1), requests = reader.GetInt64(2), requestErrors = reader.GetInt64(3), errors = reader.GetInt64(4);
                int q = requests > 0 ? 5 : 8;
                rows.Add(new SpanGroupStats
                {
                    Name = reader.GetString(0),
                    SpanCount = spanCount,
                    RequestCount = requests,
                    ErrorRate = requests > 0 ? (double)requestErrors / requests : (double)errors / spanCount,
                    P50Micros = reader.GetDouble(q),
                    P95Micros = reader.GetDouble(q + 1),
                    P99Micros = reader.GetDouble(q + 2),
                    Operations = request.Service is null ? (int)reader.GetInt64(11) : 0,
                });
            }

            return rows;
        }, cancellationToken);
        return new SpanStatsResult(groups, warnings);
    }

    /// <inheritdoc />
    public async Task<ServiceEdgesResult> EdgesAsync(SpanStatsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (edges, warnings) = await ReadEdgesAsync(request, null, null, new List<ServiceEdgeStats>(), command =>
        {
            command.CommandText += $"""
                SELECT caller, callee, count(*), count(*) FILTER (WHERE status = 'error'), {Quantiles}
                FROM e GROUP BY caller, callee ORDER BY caller, callee
                """;
            var rows = new List<ServiceEdgeStats>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new ServiceEdgeStats
                {
                    Caller = reader.GetString(0),
                    Callee = reader.GetString(1),
                    CallCount = reader.GetInt64(2),
                    ErrorCount = reader.GetInt64(3),
                    P50Micros = reader.GetDouble(4),
                    P95Micros = reader.GetDouble(5),
                    P99Micros = reader.GetDouble(6),
                });
            }

            return rows;
        }, cancellationToken);
        return new ServiceEdgesResult(edges, warnings);
    }

    /// <inheritdoc />
    public async Task<ServiceEdgeDetail> EdgeAsync(SpanStatsRequest request, string caller, string callee, int maxTraces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ((operations, traceIds), warnings) = await ReadEdgesAsync(request, caller, callee, (new List<EdgeOperationStats>(), new List<string>()), command =>
        {
            string edgeSql = command.CommandText;
            command.CommandText = edgeSql + """
                SELECT caller_op, callee_op, count(*), count(*) FILTER (WHERE status = 'error'), quantile_cont(duration_us, 0.95)
                FROM e GROUP BY caller_op, callee_op ORDER BY count(*) DESC, caller_op, callee_op
                """;
            var ops = new List<EdgeOperationStats>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ops.Add(new EdgeOperationStats(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetDouble(4)));
                }
            }

            command.CommandText = edgeSql + "SELECT lower(trace_id) AS t FROM e GROUP BY t ORDER BY max(start_ts) DESC, t DESC LIMIT $traces";
            command.Parameters.Add(new DuckDBParameter("traces", (long)maxTraces));
            var ids = new List<string>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            return (ops, ids);
        }, cancellationToken);
        var traces = await SummariesAsync(request.OrgId, traceIds, cancellationToken);
        return new ServiceEdgeDetail(operations, traces, warnings);
    }

    /// <inheritdoc />
    public async Task<DurationDistribution> DurationsAsync(SpanStatsRequest request, int buckets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        if (request.Service is null && request.Operation is null)
        {
            return DurationMath.Distribution(manifest.TraceDurations(request.OrgId, request.From, request.To), buckets, []);
        }

        var (durations, warnings) = await ReadRangeAsync(request, request.From, new List<long>(), (command, spans) =>
        {
            command.CommandText = $"WITH s AS ({spans}) SELECT duration_us FROM s";
            var values = new List<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                values.Add(reader.GetInt64(0));
            }

            return values;
        }, cancellationToken);
        return DurationMath.Distribution(durations, buckets, warnings);
    }

    /// <summary>The RED series from the raw spans (exact); <paramref name="notes"/> go first in its warnings.</summary>
    private async Task<RedSeries> RawRedAsync(SpanStatsRequest request, TimeSpan stepWidth, IReadOnlyList<string> notes, CancellationToken cancellationToken)
    {
        long stepMicros = stepWidth.Ticks / TimeSpan.TicksPerMicrosecond;
        ArgumentOutOfRangeException.ThrowIfLessThan(stepMicros, 1);
        long first = Math.DivRem(TraceSummaryBuilder.Micros(request.From), stepMicros, out _) * stepMicros;
        long last = Math.DivRem(TraceSummaryBuilder.Micros(request.To) - 1, stepMicros, out _) * stepMicros;
        var (buckets, warnings) = await ReadRangeAsync(request, request.From, new Dictionary<long, long[]>(), (command, spans) =>
        {
            command.CommandText = $"""
                WITH s AS ({spans})
                SELECT (epoch_us(start_ts) // $step) * $step AS bucket,
                       count(*) FILTER (WHERE entry), count(*) FILTER (WHERE entry AND status = 'error'), {EntryQuantiles},
                       count(*), count(*) FILTER (WHERE status = 'error'), {Quantiles}
                FROM s GROUP BY bucket
                """;
            command.Parameters.Add(new DuckDBParameter("step", stepMicros));
            var rows = new Dictionary<long, long[]>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                // Latencies kept as raw double bits, so one array holds the whole row.
                var row = new long[11];
                row[0] = reader.GetInt64(0);
                for (int i = 1; i < 11; i++)
                {
                    row[i] = reader.IsDBNull(i) ? long.MinValue : i is 1 or 2 or 6 or 7 ? reader.GetInt64(i) : BitConverter.DoubleToInt64Bits(reader.GetDouble(i));
                }

                rows[row[0]] = row;
            }

            return rows;
        }, cancellationToken);
        bool entries = buckets.Values.Any(r => r[1] > 0);
        int offset = entries ? 1 : 6;
        var points = new List<RedPoint>();
        for (long bucket = first; bucket <= last; bucket += stepMicros)
        {
            if (buckets.TryGetValue(bucket, out var row) && row[offset] > 0)
            {
                points.Add(new RedPoint(TraceSummaryBuilder.FromMicros(bucket), row[offset], row[offset + 1],
                    Latency(row[offset + 2]), Latency(row[offset + 3]), Latency(row[offset + 4])));
            }
            else
            {
                points.Add(new RedPoint(TraceSummaryBuilder.FromMicros(bucket), 0, 0, null, null, null));
            }
        }

        return new RedSeries(stepWidth, points, [.. notes, .. warnings], "raw", 0, request.From, request.To);
    }

    private static double? Latency(long bits) => bits == long.MinValue ? null : BitConverter.Int64BitsToDouble(bits);

    /// <summary>
    /// Runs <paramref name="query"/> with a command whose parameters select the request's spans: <c>spans</c> is the
    /// SELECT (with an <c>entry</c> column) to put in a CTE.
    /// </summary>
    private async Task<(T Result, IReadOnlyList<string> Warnings)> ReadRangeAsync<T>(
        SpanStatsRequest request, DateTime listFrom, T none, Func<DuckDBCommand, string, T> query, CancellationToken cancellationToken)
    {
        var files = manifest.ListFiles(Signal.Traces, request.OrgId, listFrom, request.To);
        return await ReadAsync(files, none, (connection, paths, ct) =>
        {
            using var command = connection.CreateCommand();
            // DISTINCT ON without an order: a hash aggregate, about half the cost of ranking the copies by arrival with a
            // window (docs/benchmarks.md, #12 span aggregates); copies of a retried export are the same span.
            string spans = $"""
                SELECT DISTINCT ON (trace_id, span_id)
                       trace_id, span_id, parent_span_id, service, name, status, duration_us, start_ts, {SpanRows.IsEntry} AS entry
                FROM read_parquet($files) WHERE org_id = $org AND start_ts >= $from AND start_ts < $to
                {(request.Service is null ? string.Empty : "AND service = $service")} {(request.Operation is null ? string.Empty : "AND name = $operation")}
                """;
            command.Parameters.Add(new DuckDBParameter("files", paths));
            command.Parameters.Add(new DuckDBParameter("org", request.OrgId));
            command.Parameters.Add(new DuckDBParameter("from", listFrom));
            command.Parameters.Add(new DuckDBParameter("to", request.To));
            if (request.Service is not null)
            {
                command.Parameters.Add(new DuckDBParameter("service", request.Service));
            }

            if (request.Operation is not null)
            {
                command.Parameters.Add(new DuckDBParameter("operation", request.Operation));
            }

            return query(command, spans);
        }, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="query"/> with a command whose text so far defines CTE <c>e</c>: one row per child span in
    /// the range whose parent (started up to <see cref="ParentLookbehind"/> before it) belongs to another service.
    /// </summary>
    private async Task<(T Result, IReadOnlyList<string> Warnings)> ReadEdgesAsync<T>(
        SpanStatsRequest request, string? caller, string? callee, T none, Func<DuckDBCommand, T> query, CancellationToken cancellationToken)
    {
        var all = request with { Service = null, Operation = null };
        var from = request.From - ParentLookbehind;
        return await ReadRangeAsync(all, from, none, (command, spans) =>
        {
            command.CommandText = $"""
                WITH s AS ({spans}),
                p AS (SELECT DISTINCT trace_id, span_id, service, name FROM s),
                e AS (
                    SELECT p.service AS caller, c.service AS callee, p.name AS caller_op, c.name AS callee_op,
                           c.status, c.duration_us, c.trace_id, c.start_ts
                    FROM s c JOIN p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
                    WHERE c.start_ts >= $rangeFrom AND p.service <> c.service
                    {(caller is null ? string.Empty : "AND p.service = $caller AND c.service = $callee")})

                """;
            command.Parameters.Add(new DuckDBParameter("rangeFrom", request.From));
            if (caller is not null)
            {
                command.Parameters.Add(new DuckDBParameter("caller", caller));
                command.Parameters.Add(new DuckDBParameter("callee", callee));
            }

            return query(command);
        }, cancellationToken);
    }
}

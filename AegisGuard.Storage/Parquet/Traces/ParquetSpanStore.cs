using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// The span store over the Parquet span files. Trace by id asks the trace-id index for the ingest log addresses that
/// carried the trace and reads only the files holding them (plus the files the follower has not taken in yet); inside
/// them the rows are sorted by trace id, so DuckDB skips every row group whose trace-id statistics exclude the id. Search reads the
/// summaries in manifest.db; aggregates run one DuckDB query over the files of the range.
/// </summary>
public sealed partial class ParquetSpanStore : ISpanStore
{
    // Search by attribute looks at spans starting up to this long after the range, so a trace starting just before its
    // end still matches on its later spans.
    private static readonly TimeSpan AttributeLookahead = TimeSpan.FromHours(1);

    // The service map finds parents that started up to this long before the range.
    private static readonly TimeSpan ParentLookbehind = TimeSpan.FromMinutes(5);

    private readonly Manifest manifest;
    private readonly DuckDbEngine engine;
    private readonly string telemetryRoot;
    private readonly ParquetFileGuard? guard;
    private readonly SpanDetailColumns detailColumns = new();

    internal ParquetSpanStore(Manifest manifest, DuckDbEngine engine, string telemetryRoot, ParquetFileGuard? guard)
    {
        this.manifest = manifest;
        this.engine = engine;
        this.telemetryRoot = telemetryRoot;
        this.guard = guard;
        Follower = new TraceSummaryFollower(manifest, engine, telemetryRoot, guard);
    }

    /// <summary>Keeps the trace summaries in step with the stored spans (run it in a loop; tests wait on it).</summary>
    public TraceSummaryFollower Follower { get; }

    /// <inheritdoc />
    public async Task<TraceSpans?> GetTraceAsync(int orgId, string traceId, int maxSpans, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(traceId);
        string lower = traceId.ToLowerInvariant();
        string upper = traceId.ToUpperInvariant();
        // The trace-id index names the files holding the trace's batches; files past the follower's watermark may hold
        // spans it has not indexed yet (or all of a trace sent a moment ago).
        var files = manifest.ListTraceFiles(orgId, lower, Follower.Watermark).ToDictionary(f => f.Path, StringComparer.Ordinal);
        if (files.Count == 0)
        {
            return null;
        }

        var (spans, warnings) = await ReadAsync(files.Values.ToList(), [], (connection, paths, ct) =>
        {
            var (columns, source) = detailColumns.Select(connection, paths);
            using var command = connection.CreateCommand();
            // One equality per spelling, not an OR: DuckDB pushes `trace_id = ?` into the Parquet scan (row groups whose
            // trace-id statistics exclude it are skipped) but not an OR of two, which read every row group (~10× slower on
            // a compacted file, docs/benchmarks.md).
            string upperBranch = upper == lower ? string.Empty : $"""
                UNION ALL SELECT {columns} FROM {source} WHERE org_id = $org AND trace_id = $upper
                """;
            command.CommandText = $"""
                SELECT {columns} FROM {source}
                WHERE org_id = $org AND trace_id = $lower
                {upperBranch}
                ORDER BY start_ts, source_address, source_index LIMIT $limit
                """;
            command.Parameters.Add(new DuckDBParameter("files", paths));
            command.Parameters.Add(new DuckDBParameter("org", orgId));
            command.Parameters.Add(new DuckDBParameter("lower", lower));
            if (upperBranch.Length > 0)
            {
                command.Parameters.Add(new DuckDBParameter("upper", upper));
            }

            command.Parameters.Add(new DuckDBParameter("limit", (long)maxSpans + 1));
            var rows = new List<StoredSpan>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                rows.Add(SpanRows.Read(reader));
            }

            return rows;
        }, cancellationToken);
        if (spans.Count == 0)
        {
            return null;
        }

        bool truncated = spans.Count > maxSpans;
        return new TraceSpans(truncated ? spans[..maxSpans] : spans, truncated, warnings);
    }

    /// <inheritdoc />
    public async Task<TraceSearchPage> SearchAsync(TraceSearchRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        HashSet<string>? candidates = null;
        var warnings = new List<string>();
        foreach (var match in request.Attributes)
        {
            var (found, damaged) = await TracesWithAttributeAsync(request, match, cancellationToken);
            warnings.AddRange(damaged);
            if (candidates is null)
            {
                candidates = found;
            }
            else
            {
                candidates.IntersectWith(found);
            }

            if (candidates.Count == 0)
            {
                return new TraceSearchPage([], null, warnings);
            }
        }

        var (traces, next) = manifest.SearchTraceSummaries(request, candidates);
        return new TraceSearchPage(traces, next, warnings);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TraceSummary>> SummariesAsync(int orgId, IReadOnlyList<string> traceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(traceIds);
        var found = manifest.FindTraceSummaries(orgId, traceIds.Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList());
        IReadOnlyList<TraceSummary> ordered = found.Values.Select(v => v.Summary).OrderByDescending(s => s.Start).ThenByDescending(s => s.TraceId, StringComparer.Ordinal).ToList();
        return Task.FromResult(ordered);
    }

    private async Task<(HashSet<string> Traces, IReadOnlyList<string> Warnings)> TracesWithAttributeAsync(
        TraceSearchRequest request, SpanAttributeMatch match, CancellationToken cancellationToken)
    {
        var files = manifest.ListFiles(Signal.Traces, request.OrgId, request.From, request.To + AttributeLookahead);
        if (files.Count == 0)
        {
            return ([], []);
        }

        string path = "$.\"" + match.Key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return await ReadAsync(files, new HashSet<string>(StringComparer.Ordinal), (connection, paths, ct) =>
        {
            using var command = connection.CreateCommand();
            // json_valid first: JSON is never extracted from text DuckDB has not accepted (see architecture.md).
            command.CommandText = """
                SELECT DISTINCT lower(trace_id) FROM read_parquet($files)
                WHERE org_id = $org AND start_ts >= $from AND start_ts < $to
                  AND CASE WHEN json_valid(attributes) THEN json_extract_string(attributes, $path) END = $value
                """;
            command.Parameters.Add(new DuckDBParameter("files", paths));
            command.Parameters.Add(new DuckDBParameter("org", request.OrgId));
            command.Parameters.Add(new DuckDBParameter("from", request.From));
            command.Parameters.Add(new DuckDBParameter("to", request.To + AttributeLookahead));
            command.Parameters.Add(new DuckDBParameter("path", path));
            command.Parameters.Add(new DuckDBParameter("value", match.Value));
            var traces = new HashSet<string>(StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ct.ThrowIfCancellationRequested();
                traces.Add(reader.GetString(0));
            }

            return traces;
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="query"/> over <paramref name="files"/>, leaving out damaged ones (named in the warnings).</summary>
    private async Task<(T Result, IReadOnlyList<string> Warnings)> ReadAsync<T>(
        IReadOnlyList<ManifestFile> files, T none, Func<DuckDBConnection, List<string>, CancellationToken, T> query, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return (none, []);
        }

        Task<T> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct)
        {
            var paths = selected.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList();
            return engine.QueryAsync((connection, token) => query(connection, paths, token), ct);
        }

        if (guard is null)
        {
            return (await Run(files, cancellationToken), []);
        }

        var (result, damaged) = await guard.ReadAsync(files, Run, none, cancellationToken);
        return (result, SpanRows.Warnings(damaged));
    }
}

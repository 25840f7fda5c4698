using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// Keeps the trace summaries in step with the span rows the manifest lists, without hooking into the write path:
/// it reads the rows at or above its watermark (and below the manifest's flushed position) from the files whose
/// address range reaches past it, recomputes the summary of every trace they touch from all of that trace's spans,
/// and moves the watermark in the same SQLite transaction as the summaries, the per-minute service-map aggregates
/// (<see cref="MapContribution"/>) and the trace-id index (which ingest log
/// addresses carried each trace's spans: see <see cref="Manifest.ListTraceFiles"/>). A crash between two catch-ups repeats the
/// last one, which recomputes the same summaries: nothing is counted twice or lost. Compacted files keep each row's
/// <c>source_address</c>, so which file a row is in does not matter. Summaries of traces older than every listed span
/// of their org (retention, or files taken out of the list) are dropped; a damaged file is moved aside by the guard
/// and its spans are simply not seen.
/// </summary>
public sealed class TraceSummaryFollower : IDisposable
{
    // Catch up over at most this many file boundaries at once, so a long backlog is taken in steps of bounded memory.
    private const int MaxBoundariesPerStep = 8;

    private readonly Manifest manifest;
    private readonly DuckDbEngine engine;
    private readonly string telemetryRoot;
    private readonly ParquetFileGuard? guard;
    private readonly SemaphoreSlim gate = new(1, 1);
    private long watermark;

    internal TraceSummaryFollower(Manifest manifest, DuckDbEngine engine, string telemetryRoot, ParquetFileGuard? guard)
    {
        this.manifest = manifest;
        this.engine = engine;
        this.telemetryRoot = telemetryRoot;
        this.guard = guard;
        watermark = manifest.TraceWatermark();
    }

    /// <summary>Every span row below this ingest log address is in the summaries.</summary>
    public long Watermark => Interlocked.Read(ref watermark);

    /// <summary>
    /// Takes in every span row the manifest lists that the summaries do not have yet, in steps, and applies retention.
    /// Returns the number of traces whose summary changed.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            int changed = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                long flushed = manifest.FlushedUntil();
                long mark = manifest.TraceWatermark();
                Interlocked.Exchange(ref watermark, mark);
                if (flushed <= mark)
                {
                    break;
                }

                changed += await StepAsync(mark, flushed, cancellationToken);
            }

            manifest.ExpireTraceSummaries();
            return changed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Catches up until the watermark reaches <paramref name="address"/> (e.g. a batch's next address).</summary>
    public async Task WaitForAsync(long address, CancellationToken cancellationToken)
    {
        while (Watermark < address)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await CatchUpAsync(cancellationToken);
            if (Watermark < address)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => gate.Dispose();

    private async Task<int> StepAsync(long mark, long flushed, CancellationToken cancellationToken)
    {
        // The position first, then the files: every row below it is in a file this listing holds.
        var files = manifest.ListFilesReaching(Signal.Traces, mark);
        var boundaries = files.Select(f => f.NextAddress).Where(a => a > mark && a < flushed).Distinct().Order().ToList();
        long upper = boundaries.Count > MaxBoundariesPerStep ? boundaries[MaxBoundariesPerStep - 1] : flushed;
        var summaries = new List<TraceSummaryState>();
        var mapDeltas = new Dictionary<int, Dictionary<(long Minute, string Caller, string Callee), MapCell>>();
        var addresses = new List<(int OrgId, string TraceId, long Address)>();
        foreach (var org in files.Where(f => f.FirstAddress < upper).GroupBy(f => f.OrgId))
        {
            var fresh = await ReadAsync(org.ToList(), org.Key, null, mark, upper, cancellationToken);
            if (fresh.Count == 0)
            {
                continue;
            }

            var byTrace = fresh.GroupBy(s => s.TraceId.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var (trace, spans) in byTrace)
            {
                addresses.AddRange(spans.Select(s => s.SourceAddress).Distinct().Select(a => (org.Key, trace, a)));
            }

            var known = manifest.FindTraceSummaries(org.Key, byTrace.Keys);
            if (known.Count > 0)
            {
                // Traces that already had spans: recompute from all of them, read from the files the index names (or,
                // for traces summarised before the index existed, the files of their time range).
                var indexed = manifest.TraceAddresses(org.Key, known.Keys);
                var olderFiles = manifest.ListFilesHolding(org.Key, indexed.Values.SelectMany(a => a).ToList());
                var unindexed = known.Values.Where(k => !indexed.ContainsKey(k.Summary.TraceId)).ToList();
                if (unindexed.Count > 0)
                {
                    var listed = olderFiles.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
                    olderFiles.AddRange(manifest.ListFiles(Signal.Traces, org.Key, unindexed.Min(k => k.Summary.Start), unindexed.Max(k => k.LastStart))
                        .Where(f => listed.Add(f.Path)));
                }

                var older = await ReadAsync(olderFiles, org.Key, known.Keys.ToList(), 0, mark, cancellationToken);
                foreach (var span in older)
                {
                    if (byTrace.TryGetValue(span.TraceId.ToLowerInvariant(), out var list))
                    {
                        list.Add(span);
                    }
                }
            }

            summaries.AddRange(byTrace.Select(t => TraceSummaryBuilder.Build(org.Key, t.Key, t.Value)));

            // The map aggregates take each touched trace's contribution now minus the one it made when the watermark
            // was reached: the contribution of its spans below the watermark, which are the same spans then and now.
            var delta = new Dictionary<(long Minute, string Caller, string Callee), MapCell>();
            foreach (var spans in byTrace.Values)
            {
                MapContribution.Merge(delta, MapContribution.Build(spans), 1);
                if (spans.Any(s => s.SourceAddress < mark))
                {
                    MapContribution.Merge(delta, MapContribution.Build(spans.Where(s => s.SourceAddress < mark)), -1);
                }
            }

            mapDeltas[org.Key] = delta;
        }

        manifest.SaveTraceSummaries(summaries, addresses, upper, mapDeltas);
        Interlocked.Exchange(ref watermark, upper);
        return summaries.Count;
    }

    private async Task<List<StoredSpan>> ReadAsync(
        List<ManifestFile> files, int orgId, IReadOnlyList<string>? traceIds, long fromAddress, long toAddress, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return [];
        }

        Task<List<StoredSpan>> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct) =>
            engine.QueryAsync((connection, token) => Read(connection, selected, orgId, traceIds, fromAddress, toAddress, token), ct);

        if (guard is null)
        {
            return await Run(files, cancellationToken);
        }

        return (await guard.ReadAsync(files, Run, [], cancellationToken)).Result;
    }

    private List<StoredSpan> Read(
        DuckDBConnection connection, IReadOnlyList<ManifestFile> files, int orgId, IReadOnlyList<string>? traceIds, long fromAddress, long toAddress,
        CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {SpanRows.ColumnsWithoutAttributes} FROM read_parquet($files)
            WHERE org_id = $org AND source_address >= $fromAddress AND source_address < $toAddress
            {(traceIds is null ? string.Empty : "AND lower(trace_id) IN (SELECT unnest($traces))")}
            """;
        command.Parameters.Add(new DuckDBParameter("files", files.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList()));
        command.Parameters.Add(new DuckDBParameter("org", orgId));
        command.Parameters.Add(new DuckDBParameter("fromAddress", fromAddress));
        command.Parameters.Add(new DuckDBParameter("toAddress", toAddress));
        if (traceIds is not null)
        {
            command.Parameters.Add(new DuckDBParameter("traces", traceIds.ToList()));
        }

        var spans = new List<StoredSpan>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            spans.Add(SpanRows.Read(reader));
        }

        return spans;
    }
}

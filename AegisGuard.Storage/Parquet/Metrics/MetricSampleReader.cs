using System.Text;
using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Telemetry;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// Reads stored metric rows from the manifest's Parquet files with DuckDB and expands them into the samples of the
/// series they expose. Queries filter on the org, the time range and the stored names and label sets of the wanted
/// series (from the catalog), so DuckDB skips the row groups of other metrics (files are sorted by name, labels, time).
/// </summary>
internal sealed class MetricSampleReader(Manifest manifest, DuckDbEngine engine, string telemetryRoot, Func<ParquetFileGuard?> guard)
{
    // Beyond this many label sets the filter is left to the expansion (a huge IN list costs more than it saves).
    private const int MaxPushedLabelSets = 4096;
    private static readonly long MinMs = (DateTime.MinValue.AddDays(1) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
    private static readonly long MaxMs = (DateTime.MaxValue.AddDays(-1) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>
    /// Samples of <paramref name="series"/> (of one org) within [<paramref name="fromMs"/>, <paramref name="toMs"/>], from rows
    /// ingested before <paramref name="beforeAddress"/> when set. More than <paramref name="maxSamples"/> samples in total
    /// stop the read with <see cref="MetricQueryLimitException"/>.
    /// </summary>
    public async Task<Dictionary<string, SampleList>> ReadSeriesAsync(
        int orgId, IReadOnlyCollection<MetricSeriesIdentity> series, long fromMs, long toMs, long? beforeAddress, long maxSamples, CancellationToken cancellationToken)
    {
        if (series.Count == 0 || fromMs > toMs)
        {
            return [];
        }

        var from = ToTime(fromMs);
        var to = ToTime(toMs);
        var files = manifest.ListFiles(Signal.Metrics, orgId, from, to);
        if (files.Count == 0)
        {
            return [];
        }

        var wanted = series.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var names = series.Select(s => s.SourceName).Distinct(StringComparer.Ordinal).ToList();
        var labelSets = series.Select(s => s.SourceLabels).Distinct(StringComparer.Ordinal).ToList();

        Task<Dictionary<string, SampleList>> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct) => engine.QueryAsync((connection, token) =>
        {
            using var command = connection.CreateCommand();
            var sql = new StringBuilder("""
                SELECT epoch_ms(ts), name, type, value, count, bucket_bounds, bucket_counts, labels, source_address, source_index
                FROM read_parquet($files)
                WHERE org_id = $org AND ts >= $from AND ts <= $to AND name IN (
                """);
            for (int i = 0; i < names.Count; i++)
            {
                sql.Append(i == 0 ? "$n0" : $", $n{i}");
                command.Parameters.Add(new DuckDBParameter($"n{i}", names[i]));
            }

            sql.Append(')');
            if (labelSets.Count <= MaxPushedLabelSets)
            {
                // A semi-join (hashed once) rather than list_contains, which scans the whole list for every row.
                sql.Append(" AND labels IN (SELECT unnest($labelsets))");
                command.Parameters.Add(new DuckDBParameter("labelsets", labelSets));
            }

            if (beforeAddress is { } before)
            {
                sql.Append(" AND source_address < $before");
                command.Parameters.Add(new DuckDBParameter("before", before));
            }

            // No ORDER BY: sorting every row by name, labels and time cost more than the scan. Each sample carries its
            // ingest position instead, and SampleList puts a series' samples in order (last ingested wins on equal times).
            command.Parameters.Add(new DuckDBParameter("files", selected.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList()));
            command.Parameters.Add(new DuckDBParameter("org", orgId));
            command.Parameters.Add(new DuckDBParameter("from", from));
            command.Parameters.Add(new DuckDBParameter("to", to));
            command.CommandText = sql.ToString();

            var result = new Dictionary<string, SampleList>(StringComparer.Ordinal);
            var expander = new StoredMetricExpander();
            long total = 0;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                token.ThrowIfCancellationRequested();
                long ts = reader.GetInt64(0);
                long address = reader.GetInt64(8);
                int index = reader.GetInt32(9);
                expander.Expand(
                    reader.GetString(1), reader.GetString(2), reader.GetString(7), reader.GetDouble(3),
                    reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : [.. reader.GetFieldValue<List<double>>(5)],
                    reader.IsDBNull(6) ? null : [.. reader.GetFieldValue<List<long>>(6)],
                    (identity, value) =>
                    {
                        if (!wanted.TryGetValue(identity.Key, out var known))
                        {
                            return;
                        }

                        if (!result.TryGetValue(identity.Key, out var samples))
                        {
                            samples = new SampleList(known);
                            result.Add(identity.Key, samples);
                        }

                        if (samples.Add(ts, value, address, index) && ++total > maxSamples)
                        {
                            throw new MetricQueryLimitException(
                                $"the query would read more than {maxSamples} samples; narrow the selector or the time range");
                        }
                    });
            }

            foreach (var samples in result.Values)
            {
                samples.Normalize();
            }

            return result;
        }, ct);

        var reading = guard();
        if (reading is null)
        {
            return await Run(files, cancellationToken);
        }

        return (await reading.ReadAsync(files, Run, [], cancellationToken)).Result;
    }

    /// <summary>
    /// Every sample stored from ingest log addresses [<paramref name="fromAddress"/>, <paramref name="toAddress"/>) in
    /// <paramref name="files"/>, per org and series: what the follower adds to the catalog and the rollups.
    /// </summary>
    public async Task<Dictionary<(int OrgId, string Key), SampleList>> ReadAddressRangeAsync(
        IReadOnlyList<ManifestFile> files, long fromAddress, long toAddress, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
        {
            return [];
        }

        Task<Dictionary<(int, string), SampleList>> Run(IReadOnlyList<ManifestFile> selected, CancellationToken ct) => engine.QueryAsync((connection, token) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT org_id, epoch_ms(ts), name, type, value, count, bucket_bounds, bucket_counts, labels, source_address, source_index
                FROM read_parquet($files)
                WHERE source_address >= $from AND source_address < $to
                """;
            command.Parameters.Add(new DuckDBParameter("files", selected.Select(f => Path.Combine(telemetryRoot, f.Path)).ToList()));
            command.Parameters.Add(new DuckDBParameter("from", fromAddress));
            command.Parameters.Add(new DuckDBParameter("to", toAddress));
            // Unsorted, like ReadSeriesAsync: samples carry their ingest position and SampleList orders them.
            var result = new Dictionary<(int, string), SampleList>();
            var expanders = new Dictionary<int, StoredMetricExpander>();
            StoredMetricExpander? expander = null;
            int lastOrg = int.MinValue;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                token.ThrowIfCancellationRequested();
                int org = reader.GetInt32(0);
                if (org != lastOrg || expander is null)
                {
                    // The same labels in another org are another series: never share identities across orgs.
                    if (!expanders.TryGetValue(org, out expander))
                    {
                        expander = new StoredMetricExpander();
                        expanders.Add(org, expander);
                    }

                    lastOrg = org;
                }

                long ts = reader.GetInt64(1);
                long address = reader.GetInt64(9);
                int index = reader.GetInt32(10);
                expander.Expand(
                    reader.GetString(2), reader.GetString(3), reader.GetString(8), reader.GetDouble(4),
                    reader.IsDBNull(5) ? null : reader.GetInt64(5),
                    reader.IsDBNull(6) ? null : [.. reader.GetFieldValue<List<double>>(6)],
                    reader.IsDBNull(7) ? null : [.. reader.GetFieldValue<List<long>>(7)],
                    (identity, value) =>
                    {
                        if (!result.TryGetValue((org, identity.Key), out var samples))
                        {
                            samples = new SampleList(identity);
                            result.Add((org, identity.Key), samples);
                        }

                        samples.Add(ts, value, address, index);
                    });
            }

            foreach (var samples in result.Values)
            {
                samples.Normalize();
            }

            return result;
        }, ct);

        var reading = guard();
        if (reading is null)
        {
            return await Run(files, cancellationToken);
        }

        return (await reading.ReadAsync(files, Run, [], cancellationToken)).Result;
    }

    internal static DateTime ToTime(long ms) => DateTime.UnixEpoch.AddMilliseconds(Math.Clamp(ms, MinMs, MaxMs));
}

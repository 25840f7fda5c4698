using System.Globalization;
using System.Text;
using System.Text.Json;
using AegisGuard.Storage.Parquet.Traces;
using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Traces;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet;

/// <summary>Trace summaries and the trace follower's watermark (migration 0004), kept beside the file list they derive from.</summary>
public sealed partial class Manifest
{
    private const string TraceWatermarkName = "summaries";
    private static readonly string[] SummaryParameters =
        ["$org", "$trace", "$start", "$end", "$last", "$duration", "$spans", "$errors", "$rootService", "$rootOperation", "$rootMissing", "$services"];

    private static readonly string[] OperationParameters = ["$org", "$trace", "$service", "$operation", "$spans", "$errors"];
    private const string SummaryColumns =
        "trace_id, root_service, root_operation, start_us, end_us, duration_us, span_count, services, error_count, root_missing, last_start_us";

    /// <summary>Every span row below this ingest log address is in the trace summaries (0 when none is).</summary>
    public long TraceWatermark()
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT address FROM trace_follower WHERE name = $name";
        command.Parameters.AddWithValue("$name", TraceWatermarkName);
        return command.ExecuteScalar() is long address ? address : 0;
    }

    /// <summary>Listed files of <paramref name="signal"/> holding rows at or after <paramref name="address"/> (of one org, or all when null).</summary>
    public IReadOnlyList<ManifestFile> ListFilesReaching(Signal signal, long address, int? orgId = null)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
            FROM files WHERE signal = $signal AND next_address > $address AND ($org IS NULL OR org_id = $org)
            ORDER BY first_address
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(signal));
        command.Parameters.AddWithValue("$address", address);
        command.Parameters.AddWithValue("$org", (object?)orgId ?? DBNull.Value);
        return Read(command);
    }

    internal Dictionary<string, TraceSummaryState> FindTraceSummaries(int orgId, IReadOnlyCollection<string> traceIds)
    {
        var found = new Dictionary<string, TraceSummaryState>(StringComparer.Ordinal);
        if (traceIds.Count == 0)
        {
            return found;
        }

        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SummaryColumns} FROM trace_summaries WHERE org_id = $org AND trace_id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(traceIds));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var (summary, lastStart) = ReadSummary(reader);
            found[summary.TraceId] = new TraceSummaryState(orgId, summary, lastStart, []);
        }

        return found;
    }

    /// <summary>
    /// Writes summaries (replacing those of the same traces), adds the traces' new addresses to the trace-id index and
    /// moves the watermark, in one transaction.
    /// </summary>
    internal void SaveTraceSummaries(
        IReadOnlyList<TraceSummaryState> summaries, IEnumerable<(int OrgId, string TraceId, long Address)> addresses, long watermark,
        IReadOnlyDictionary<int, Dictionary<(long Minute, string Caller, string Callee), MapCell>>? mapDeltas = null)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO trace_summaries (org_id, trace_id, start_us, end_us, last_start_us, duration_us, span_count, error_count,
                root_service, root_operation, root_missing, services)
            VALUES ($org, $trace, $start, $end, $last, $duration, $spans, $errors, $rootService, $rootOperation, $rootMissing, $services)
            ON CONFLICT (org_id, trace_id) DO UPDATE SET start_us = excluded.start_us, end_us = excluded.end_us,
                last_start_us = excluded.last_start_us, duration_us = excluded.duration_us, span_count = excluded.span_count,
                error_count = excluded.error_count, root_service = excluded.root_service, root_operation = excluded.root_operation,
                root_missing = excluded.root_missing, services = excluded.services;
            DELETE FROM trace_operations WHERE org_id = $org AND trace_id = $trace;
            """;
        var parameters = SummaryParameters
            .Select(name => upsert.Parameters.Add(name, SqliteType.Text)).ToArray();
        using var operation = connection.CreateCommand();
        operation.Transaction = transaction;
        operation.CommandText = """
            INSERT INTO trace_operations (org_id, trace_id, service, operation, span_count, error_count)
            VALUES ($org, $trace, $service, $operation, $spans, $errors)
            """;
        var operationParameters = OperationParameters
            .Select(name => operation.Parameters.Add(name, SqliteType.Text)).ToArray();
        foreach (var state in summaries)
        {
            var s = state.Summary;
            object[] values =
            [
                state.OrgId, s.TraceId, TraceSummaryBuilder.Micros(s.Start), TraceSummaryBuilder.Micros(s.End), TraceSummaryBuilder.Micros(state.LastStart),
                s.DurationMicros, s.SpanCount, s.ErrorCount, s.RootService, s.RootOperation, s.RootMissing ? 1 : 0, JsonSerializer.Serialize(s.Services),
            ];
            for (int i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }

            upsert.ExecuteNonQuery();
            foreach (var op in state.Operations)
            {
                object[] opValues = [state.OrgId, s.TraceId, op.Service, op.Operation, op.Spans, op.Errors];
                for (int i = 0; i < opValues.Length; i++)
                {
                    operationParameters[i].Value = opValues[i];
                }

                operation.ExecuteNonQuery();
            }
        }

        InsertTraceAddresses(connection, transaction, addresses);
        if (mapDeltas is not null)
        {
            ApplyMapDeltas(connection, transaction, mapDeltas);
        }

        using (var position = connection.CreateCommand())
        {
            position.Transaction = transaction;
            position.CommandText = """
                INSERT INTO trace_follower (name, address) VALUES ($name, $address)
                ON CONFLICT (name) DO UPDATE SET address = max(address, excluded.address)
                """;
            position.Parameters.AddWithValue("$name", TraceWatermarkName);
            position.Parameters.AddWithValue("$address", watermark);
            position.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>
    /// Follows retention (and files taken out of the list): drops the summaries of traces starting before the earliest
    /// span any listed file of their org holds. Returns how many were dropped.
    /// </summary>
    internal int ExpireTraceSummaries()
    {
        using var connection = database.Open();
        var earliest = new Dictionary<int, long>();
        using (var files = connection.CreateCommand())
        {
            files.CommandText = "SELECT org_id, min(min_ts) FROM files WHERE signal = $signal GROUP BY org_id";
            files.Parameters.AddWithValue("$signal", SignalNames.Of(Signal.Traces));
            using var reader = files.ExecuteReader();
            while (reader.Read())
            {
                earliest[reader.GetInt32(0)] = reader.GetInt64(1);
            }
        }

        var orgs = new List<int>();
        using (var summaries = connection.CreateCommand())
        {
            summaries.CommandText = "SELECT DISTINCT org_id FROM trace_summaries";
            using var reader = summaries.ExecuteReader();
            while (reader.Read())
            {
                orgs.Add(reader.GetInt32(0));
            }
        }

        int dropped = 0;
        foreach (int org in orgs)
        {
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM trace_summaries WHERE org_id = $org AND start_us < $cut";
            delete.Parameters.AddWithValue("$org", org);
            delete.Parameters.AddWithValue("$cut", earliest.TryGetValue(org, out long cut) ? cut : long.MaxValue);
            dropped += delete.ExecuteNonQuery();
        }

        // The map aggregates follow the same cut, for every org that has rows (an org whose files are all gone loses them all).
        var mapOrgs = new List<int>();
        using (var map = connection.CreateCommand())
        {
            map.CommandText = "SELECT DISTINCT org_id FROM map_minutes";
            using var reader = map.ExecuteReader();
            while (reader.Read())
            {
                mapOrgs.Add(reader.GetInt32(0));
            }
        }

        foreach (int org in mapOrgs)
        {
            ExpireMapMinutes(connection, org, earliest.TryGetValue(org, out long cut) ? cut : long.MaxValue);
        }

        return dropped;
    }

    internal (List<TraceSummary> Traces, TraceSearchCursor? Next) SearchTraceSummaries(TraceSearchRequest request, IReadOnlyCollection<string>? candidates)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        string sortColumn = request.Sort == TraceSort.Duration ? "duration_us" : "start_us";
        var sql = new StringBuilder($"SELECT {SummaryColumns} FROM trace_summaries s WHERE org_id = $org AND start_us >= $from AND start_us < $to");
        command.Parameters.AddWithValue("$org", request.OrgId);
        command.Parameters.AddWithValue("$from", ToMicros(request.From));
        command.Parameters.AddWithValue("$to", ToMicros(request.To));
        if (request.TraceId is { } traceId)
        {
            sql.Append(" AND trace_id = $trace");
            command.Parameters.AddWithValue("$trace", traceId.ToLowerInvariant());
        }

        if (request.Status == TraceStatusFilter.Error)
        {
            sql.Append(" AND error_count > 0");
        }
        else if (request.Status == TraceStatusFilter.Ok)
        {
            sql.Append(" AND error_count = 0");
        }

        if (request.MinDurationMicros is { } min)
        {
            sql.Append(" AND duration_us >= $min");
            command.Parameters.AddWithValue("$min", min);
        }

        if (request.MaxDurationMicros is { } max)
        {
            sql.Append(" AND duration_us <= $max");
            command.Parameters.AddWithValue("$max", max);
        }

        if (request.Service is not null || request.Operation is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM trace_operations o WHERE o.org_id = s.org_id AND o.trace_id = s.trace_id");
            if (request.Service is { } service)
            {
                sql.Append(" AND o.service = $service");
                command.Parameters.AddWithValue("$service", service);
            }

            if (request.Operation is { } op)
            {
                sql.Append(" AND o.operation = $operation");
                command.Parameters.AddWithValue("$operation", op);
            }

            sql.Append(')');
        }

        if (candidates is not null)
        {
            sql.Append(" AND trace_id IN (SELECT value FROM json_each($candidates))");
            command.Parameters.AddWithValue("$candidates", JsonSerializer.Serialize(candidates));
        }

        if (request.After is { } after)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND ({sortColumn} < $afterValue OR ({sortColumn} = $afterValue AND trace_id < $afterTrace))");
            command.Parameters.AddWithValue("$afterValue", after.SortValue);
            command.Parameters.AddWithValue("$afterTrace", after.TraceId);
        }

        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY {sortColumn} DESC, trace_id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", request.Limit + 1);
        command.CommandText = sql.ToString();
        var traces = new List<TraceSummary>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                traces.Add(ReadSummary(reader).Summary);
            }
        }

        TraceSearchCursor? next = null;
        if (traces.Count > request.Limit)
        {
            traces.RemoveAt(traces.Count - 1);
            var last = traces[^1];
            next = new TraceSearchCursor(request.Sort == TraceSort.Duration ? last.DurationMicros : ToMicros(last.Start), last.TraceId);
        }

        return (traces, next);
    }

    internal List<long> TraceDurations(int orgId, DateTime from, DateTime to)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT duration_us FROM trace_summaries WHERE org_id = $org AND start_us >= $from AND start_us < $to";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$from", ToMicros(from));
        command.Parameters.AddWithValue("$to", ToMicros(to));
        var durations = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            durations.Add(reader.GetInt64(0));
        }

        return durations;
    }

    private static (TraceSummary Summary, DateTime LastStart) ReadSummary(SqliteDataReader reader) => (new TraceSummary
    {
        TraceId = reader.GetString(0),
        RootService = reader.GetString(1),
        RootOperation = reader.GetString(2),
        Start = TraceSummaryBuilder.FromMicros(reader.GetInt64(3)),
        End = TraceSummaryBuilder.FromMicros(reader.GetInt64(4)),
        DurationMicros = reader.GetInt64(5),
        SpanCount = reader.GetInt32(6),
        Services = JsonSerializer.Deserialize<List<string>>(reader.GetString(7)) ?? [],
        ErrorCount = reader.GetInt32(8),
        RootMissing = reader.GetInt32(9) != 0,
    }, TraceSummaryBuilder.FromMicros(reader.GetInt64(10)));
}

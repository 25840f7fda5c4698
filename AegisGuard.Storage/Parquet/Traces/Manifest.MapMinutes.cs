using AegisGuard.Storage.Parquet.Traces;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// The per-minute service-map aggregates (migration 0006): written by the trace follower as deltas in the same
/// transaction as its watermark, read by the service map over large ranges.
/// </summary>
public sealed partial class Manifest
{
    /// <summary>
    /// The rows of <paramref name="orgId"/> for minutes in [<paramref name="fromMinute"/>, <paramref name="toMinute"/>),
    /// merged over the minutes: one cell per (caller or service, callee or '').
    /// </summary>
    internal Dictionary<(string Caller, string Callee), MapCell> ReadMapMinutes(int orgId, long fromMinute, long toMinute)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT caller, callee, spans, requests, request_errors, errors, entry_sketch, all_sketch
            FROM map_minutes WHERE org_id = $org AND minute >= $from AND minute < $to
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$from", fromMinute);
        command.Parameters.AddWithValue("$to", toMinute);
        var cells = new Dictionary<(string, string), MapCell>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = (reader.GetString(0), reader.GetString(1));
            if (!cells.TryGetValue(key, out var cell))
            {
                cells[key] = cell = new MapCell();
            }

            cell.Merge(ReadCell(reader, 2));
        }

        return cells;
    }

    /// <summary>The node rows of one service, by minute, for the minutes in [<paramref name="fromMinute"/>, <paramref name="toMinute"/>).</summary>
    internal Dictionary<long, MapCell> ReadServiceMinutes(int orgId, string service, long fromMinute, long toMinute)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT minute, spans, requests, request_errors, errors, entry_sketch, all_sketch
            FROM map_minutes WHERE org_id = $org AND minute >= $from AND minute < $to AND caller = $service AND callee = ''
            """;
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$from", fromMinute);
        command.Parameters.AddWithValue("$to", toMinute);
        command.Parameters.AddWithValue("$service", service);
        var minutes = new Dictionary<long, MapCell>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            minutes[reader.GetInt64(0)] = ReadCell(reader, 1);
        }

        return minutes;
    }

    /// <summary>Adds the follower's deltas into <c>map_minutes</c> inside <paramref name="transaction"/>; rows left empty are deleted.</summary>
    private static void ApplyMapDeltas(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyDictionary<int, Dictionary<(long Minute, string Caller, string Callee), MapCell>> deltas)
    {
        using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = """
            SELECT spans, requests, request_errors, errors, entry_sketch, all_sketch FROM map_minutes
            WHERE org_id = $org AND minute = $minute AND caller = $caller AND callee = $callee
            """;
        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO map_minutes (org_id, minute, caller, callee, spans, requests, request_errors, errors, entry_sketch, all_sketch)
            VALUES ($org, $minute, $caller, $callee, $spans, $requests, $requestErrors, $errors, $entry, $all)
            ON CONFLICT (org_id, minute, caller, callee) DO UPDATE SET spans = excluded.spans, requests = excluded.requests,
                request_errors = excluded.request_errors, errors = excluded.errors, entry_sketch = excluded.entry_sketch,
                all_sketch = excluded.all_sketch
            """;
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM map_minutes WHERE org_id = $org AND minute = $minute AND caller = $caller AND callee = $callee";
        foreach (var (org, cells) in deltas)
        {
            foreach (var (key, delta) in cells)
            {
                if (delta.IsEmpty)
                {
                    continue;
                }

                select.Parameters.Clear();
                select.Parameters.AddWithValue("$org", org);
                select.Parameters.AddWithValue("$minute", key.Minute);
                select.Parameters.AddWithValue("$caller", key.Caller);
                select.Parameters.AddWithValue("$callee", key.Callee);
                var cell = new MapCell();
                using (var reader = select.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        cell = ReadCell(reader, 0);
                    }
                }

                cell.Merge(delta);
                var target = cell.IsEmpty ? delete : upsert;
                target.Parameters.Clear();
                target.Parameters.AddWithValue("$org", org);
                target.Parameters.AddWithValue("$minute", key.Minute);
                target.Parameters.AddWithValue("$caller", key.Caller);
                target.Parameters.AddWithValue("$callee", key.Callee);
                if (!cell.IsEmpty)
                {
                    target.Parameters.AddWithValue("$spans", cell.Spans);
                    target.Parameters.AddWithValue("$requests", cell.Requests);
                    target.Parameters.AddWithValue("$requestErrors", cell.RequestErrors);
                    target.Parameters.AddWithValue("$errors", cell.Errors);
                    target.Parameters.AddWithValue("$entry", cell.Entry.IsEmpty ? DBNull.Value : cell.Entry.ToBytes());
                    target.Parameters.AddWithValue("$all", cell.All.IsEmpty ? DBNull.Value : cell.All.ToBytes());
                }

                target.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Retention: drops the rows of <paramref name="orgId"/> for minutes before <paramref name="cutMicros"/>.</summary>
    private static void ExpireMapMinutes(SqliteConnection connection, int orgId, long cutMicros)
    {
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM map_minutes WHERE org_id = $org AND minute < $cut";
        delete.Parameters.AddWithValue("$org", orgId);
        // A minute partly before the cut keeps its row: its spans after the cut are still listed.
        delete.Parameters.AddWithValue("$cut", cutMicros == long.MaxValue ? long.MaxValue : Math.DivRem(cutMicros, MapContribution.MinuteMicros, out _));
        delete.ExecuteNonQuery();
    }

    private static MapCell ReadCell(SqliteDataReader reader, int first)
    {
        var cell = new MapCell
        {
            Spans = reader.GetInt64(first),
            Requests = reader.GetInt64(first + 1),
            RequestErrors = reader.GetInt64(first + 2),
            Errors = reader.GetInt64(first + 3),
        };
        if (!reader.IsDBNull(first + 4))
        {
            cell.Entry.Merge(LatencySketch.FromBytes((byte[])reader.GetValue(first + 4)));
        }

        if (!reader.IsDBNull(first + 5))
        {
            cell.All.Merge(LatencySketch.FromBytes((byte[])reader.GetValue(first + 5)));
        }

        return cell;
    }
}

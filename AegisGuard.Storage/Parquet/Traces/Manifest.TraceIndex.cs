using System.Text.Json;
using AegisGuard.Storage.Telemetry;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// The trace-id index (migration 0005): which ingest log addresses carried each trace's spans, and from those the few
/// listed files that can hold them. Kept by the trace follower in the same transaction as the summaries.
/// </summary>
public sealed partial class Manifest
{
    /// <summary>
    /// The listed span files of <paramref name="orgId"/> that can hold trace <paramref name="traceId"/> (lower-case): the
    /// files whose address range holds one of its indexed addresses, plus every file reaching past
    /// <paramref name="watermark"/> (rows the index does not have yet). A trace summarised before the index existed
    /// falls back to the files of its time range. Empty when the trace is unknown and nothing is left to follow.
    /// </summary>
    public IReadOnlyList<ManifestFile> ListTraceFiles(int orgId, string traceId, long watermark)
    {
        ArgumentException.ThrowIfNullOrEmpty(traceId);
        using var connection = database.Open();
        var addresses = ReadTraceAddresses(connection, orgId, [traceId]).GetValueOrDefault(traceId) ?? [];
        var files = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var file in FilesHolding(connection, orgId, addresses))
        {
            files[file.Path] = file;
        }

        if (addresses.Count == 0 && ReadTraceRange(connection, orgId, traceId) is var (from, to))
        {
            using var range = connection.CreateCommand();
            range.CommandText = """
                SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
                FROM files WHERE signal = $signal AND org_id = $org AND max_ts >= $from AND min_ts <= $to
                """;
            range.Parameters.AddWithValue("$signal", SignalNames.Of(Signal.Traces));
            range.Parameters.AddWithValue("$org", orgId);
            range.Parameters.AddWithValue("$from", from);
            range.Parameters.AddWithValue("$to", to);
            foreach (var file in Read(range))
            {
                files[file.Path] = file;
            }
        }

        using (var reaching = connection.CreateCommand())
        {
            reaching.CommandText = """
                SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
                FROM files WHERE signal = $signal AND org_id = $org AND next_address > $address
                """;
            reaching.Parameters.AddWithValue("$signal", SignalNames.Of(Signal.Traces));
            reaching.Parameters.AddWithValue("$org", orgId);
            reaching.Parameters.AddWithValue("$address", watermark);
            foreach (var file in Read(reaching))
            {
                files[file.Path] = file;
            }
        }

        return files.Values.OrderBy(f => f.FirstAddress).ToList();
    }

    /// <summary>The indexed addresses of each of <paramref name="traceIds"/> (lower-case) that has any.</summary>
    internal Dictionary<string, List<long>> TraceAddresses(int orgId, IReadOnlyCollection<string> traceIds)
    {
        using var connection = database.Open();
        return ReadTraceAddresses(connection, orgId, traceIds);
    }

    /// <summary>The listed span files of one org whose address range holds at least one of <paramref name="addresses"/>.</summary>
    internal List<ManifestFile> ListFilesHolding(int orgId, IReadOnlyCollection<long> addresses)
    {
        using var connection = database.Open();
        return FilesHolding(connection, orgId, addresses);
    }

    private static Dictionary<string, List<long>> ReadTraceAddresses(SqliteConnection connection, int orgId, IReadOnlyCollection<string> traceIds)
    {
        var found = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        if (traceIds.Count == 0)
        {
            return found;
        }

        using var command = connection.CreateCommand();
        command.CommandText = traceIds.Count == 1
            ? "SELECT trace_id, address FROM trace_addresses WHERE org_id = $org AND trace_id = $id"
            : "SELECT trace_id, address FROM trace_addresses WHERE org_id = $org AND trace_id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$org", orgId);
        if (traceIds.Count == 1)
        {
            command.Parameters.AddWithValue("$id", traceIds.First());
        }
        else
        {
            command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(traceIds));
        }

        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string trace = reader.GetString(0);
            if (!found.TryGetValue(trace, out var list))
            {
                found[trace] = list = [];
            }

            list.Add(reader.GetInt64(1));
        }

        return found;
    }

    private static List<ManifestFile> FilesHolding(SqliteConnection connection, int orgId, IReadOnlyCollection<long> addresses)
    {
        if (addresses.Count == 0)
        {
            return [];
        }

        // One read of the files between the lowest and highest address, matched in memory: a file list is hundreds of
        // rows, while a trace's addresses (or a follower step's) can be thousands.
        var sorted = addresses.Distinct().Order().ToArray();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
            FROM files WHERE signal = $signal AND org_id = $org AND next_address > $low AND first_address <= $high
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(Signal.Traces));
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$low", sorted[0]);
        command.Parameters.AddWithValue("$high", sorted[^1]);
        return Read(command).Where(file =>
        {
            int at = Array.BinarySearch(sorted, file.FirstAddress);
            int first = at >= 0 ? at : ~at;
            return first < sorted.Length && sorted[first] < file.NextAddress;
        }).ToList();
    }

    private static (long From, long To)? ReadTraceRange(SqliteConnection connection, int orgId, string traceId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT start_us, last_start_us FROM trace_summaries WHERE org_id = $org AND trace_id = $id";
        command.Parameters.AddWithValue("$org", orgId);
        command.Parameters.AddWithValue("$id", traceId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    private static void InsertTraceAddresses(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<(int OrgId, string TraceId, long Address)> addresses)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO trace_addresses (org_id, trace_id, address) VALUES ($org, $trace, $address)";
        var org = insert.Parameters.Add("$org", SqliteType.Integer);
        var trace = insert.Parameters.Add("$trace", SqliteType.Text);
        var address = insert.Parameters.Add("$address", SqliteType.Integer);
        foreach (var entry in addresses)
        {
            org.Value = entry.OrgId;
            trace.Value = entry.TraceId;
            address.Value = entry.Address;
            insert.ExecuteNonQuery();
        }
    }
}

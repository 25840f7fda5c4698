using System.Globalization;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet;

/// <summary>What followers of stored rows (the metric catalog and rollups) ask of the manifest.</summary>
public sealed partial class Manifest
{
    /// <summary>
    /// Listed files of <paramref name="signal"/> (all orgs) that may hold rows from ingest log address
    /// <paramref name="fromAddress"/> on, ordered by the end of their address range.
    /// </summary>
    public IReadOnlyList<ManifestFile> ListFilesReaching(Signal signal, long fromAddress)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT path, signal, org_id, day, min_ts, max_ts, rows, bytes, first_address, next_address, level
            FROM files WHERE signal = $signal AND next_address > $from
            ORDER BY next_address, path
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(signal));
        command.Parameters.AddWithValue("$from", fromAddress);
        return Read(command);
    }

    /// <summary>
    /// The (org, day) partitions of <paramref name="signal"/> that still hold a listed file or a damaged one not given
    /// up: a follower drops its derived rows of any other day (retention unlisted it).
    /// </summary>
    public HashSet<(int OrgId, DateOnly Day)> KeptDays(Signal signal)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT org_id, day FROM files WHERE signal = $signal
            UNION SELECT DISTINCT org_id, day FROM damaged_files WHERE signal = $signal AND accepted_at IS NULL
            """;
        command.Parameters.AddWithValue("$signal", SignalNames.Of(signal));
        var days = new HashSet<(int, DateOnly)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            days.Add((reader.GetInt32(0), DateOnly.ParseExact(reader.GetString(1), "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return days;
    }
}

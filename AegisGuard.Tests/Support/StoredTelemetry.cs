using System.Globalization;
using AegisGuard.Storage.Parquet;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Tests.Support;

/// <summary>
/// Every stored row of a signal, read from the Parquet files the manifest lists, each row as one text of all its
/// values: what a PII test asserts on, since whatever is in a file is what an operator, a backup or a query can see.
/// </summary>
public static class StoredTelemetry
{
    public static List<string> Rows(AegisAppFactory factory, Signal signal, int orgId)
    {
        var store = factory.Service<TelemetryStore>();
        var now = DateTime.UtcNow;
        var files = store.Manifest.ListFiles(signal, orgId, now.AddYears(-1), now.AddYears(1));
        if (files.Count == 0)
        {
            return [];
        }

        string list = string.Join(", ", files.Select(f => "'" + Path.Combine(store.TelemetryRoot, f.Path).Replace("'", "''", StringComparison.Ordinal) + "'"));
        using var connection = store.Engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet([{list}], union_by_name = true)";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            var values = new string[reader.FieldCount];
            for (int i = 0; i < reader.FieldCount; i++)
            {
                values[i] = Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? string.Empty;
            }

            rows.Add(string.Join(" | ", values));
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="count"/> rows hold <paramref name="marker"/>; returns those rows.</summary>
    public static async Task<List<string>> WaitForAsync(AegisAppFactory factory, Signal signal, int orgId, string marker, int count = 1)
    {
        var rows = await Poll.UntilAsync(
            () => Task.FromResult(Rows(factory, signal, orgId).Where(r => r.Contains(marker, StringComparison.Ordinal)).ToList()),
            found => found.Count >= count,
            null,
            $"{count} stored {signal} rows holding {marker}");
        return rows;
    }
}

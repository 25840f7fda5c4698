using System.Collections.Concurrent;
using DuckDB.NET.Data;

namespace AegisGuard.Storage.Parquet.Traces;

/// <summary>
/// Which span files carry the detail columns (<c>events</c>, <c>links</c>, <c>resource</c>), asked of each file's footer
/// once per process rather than once per trace by id: the <c>parquet_schema</c> probe was ~13 % of a look-up's time in
/// the profile (docs/benchmarks.md, trace by id).
/// </summary>
/// <remarks>
/// Only "has them" is remembered. A listed file's bytes never change under its name except when a replayed flush
/// writes the same name again, and the running writer always writes the columns, so a yes stays true; a no (a file
/// written before the columns existed) is asked again each time, which costs only those old files.
/// </remarks>
internal sealed class SpanDetailColumns
{
    // A file name is ~90 characters: the bound keeps the set to a few MB while covering years of daily files.
    private const int MaxRemembered = 50_000;

    private readonly ConcurrentDictionary<string, bool> withDetail = new(StringComparer.Ordinal);

    /// <summary>
    /// The column list and the <c>read_parquet</c> call that read <see cref="SpanRows.Columns"/> from <c>$files</c>
    /// (<paramref name="paths"/>), which may include files written before the detail columns existed: when every file
    /// has them, a plain read; when some do, a read by column name (the old rows get NULL); when none does, NULLs in
    /// their place (a by-name read cannot invent a column no file has).
    /// </summary>
    public (string Columns, string Source) Select(DuckDBConnection connection, List<string> paths)
    {
        var distinct = paths.Distinct(StringComparer.Ordinal).ToList();
        var unknown = distinct.Where(p => !withDetail.ContainsKey(p)).ToList();
        int known = distinct.Count - unknown.Count;
        if (unknown.Count > 0)
        {
            known += Probe(connection, unknown);
        }

        return known == 0 ? (SpanRows.ColumnsBeforeDetail, "read_parquet($files)")
            : known >= distinct.Count ? (SpanRows.Columns, "read_parquet($files)")
            : (SpanRows.Columns, "read_parquet($files, union_by_name = true)");
    }

    /// <summary>How many of <paramref name="unknown"/> have the columns, remembering those that do.</summary>
    private int Probe(DuckDBConnection connection, List<string> unknown)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT DISTINCT file_name FROM parquet_schema($files) WHERE name = 'events'";
        probe.Parameters.Add(new DuckDBParameter("files", unknown));
        var asked = unknown.ToHashSet(StringComparer.Ordinal);
        int found = 0;
        using var reader = probe.ExecuteReader();
        while (reader.Read())
        {
            found++;
            string file = reader.GetString(0);
            if (asked.Contains(file))
            {
                if (withDetail.Count >= MaxRemembered)
                {
                    withDetail.Clear();
                }

                withDetail[file] = true;
            }
        }

        return found;
    }
}

using System.Globalization;
using AegisGuard.Storage.Parquet;

namespace AegisGuard.Query;

/// <summary>
/// The <c>warnings</c> of a read answer (as Loki and Prometheus carry them): what the answer is missing and why. Only
/// files the query itself read appear, so an org's warnings name only that org's files.
/// </summary>
public static class QueryWarnings
{
    /// <summary>One warning per damaged file, or null when there are none (the field is then left out).</summary>
    public static IReadOnlyList<string>? For(IEnumerable<DamagedFile> damaged)
    {
        var warnings = damaged
            .DistinctBy(d => d.Path, StringComparer.Ordinal)
            .Select(d => string.Create(CultureInfo.InvariantCulture,
                $"Parquet file {d.Path} could not be read ({d.Reason}); its {d.Listing.Rows:N0} lines of {d.Listing.Day:yyyy-MM-dd} are " +
                $"missing from this answer. The file was moved aside and an administrator is told on /healthz."))
            .ToList();
        return warnings.Count == 0 ? null : warnings;
    }
}

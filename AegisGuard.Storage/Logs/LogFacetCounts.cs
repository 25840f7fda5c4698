using AegisGuard.Storage.Parquet;
namespace AegisGuard.Storage.Logs;

/// <summary>Exact counts of the lines matching a filter, per service, level and host (most frequent first).</summary>
/// <param name="Total">Lines matching.</param>
/// <param name="Services">Lines per service.</param>
/// <param name="Levels">Lines per level.</param>
/// <param name="Hosts">Lines per host ("" for lines without one).</param>
/// <param name="RowsScanned">Rows held by the Parquet files read (an upper bound).</param>
/// <param name="FilesRead">Parquet files read.</param>
public sealed record LogFacetCounts(
    long Total,
    IReadOnlyList<LogValueCount> Services,
    IReadOnlyList<LogValueCount> Levels,
    IReadOnlyList<LogValueCount> Hosts,
    long RowsScanned,
    int FilesRead)
{
    /// <summary>Damaged files that were moved aside while answering: their rows are not in this answer.</summary>
    public IReadOnlyList<DamagedFile> Damaged { get; init; } = [];
}

using AegisGuard.Storage.Parquet;
namespace AegisGuard.Storage.Logs;

/// <summary>The answer to a <see cref="LogAggregationRequest"/>.</summary>
/// <param name="Rows">One row per (group, bucket) holding at least one line, in no particular order.</param>
/// <param name="Truncated">More rows existed than the request's maximum.</param>
/// <param name="RowsScanned">Rows held by the Parquet files read (an upper bound, see <see cref="LogSearchPage"/>).</param>
/// <param name="FilesRead">Parquet files read.</param>
public sealed record LogAggregation(IReadOnlyList<LogAggregationRow> Rows, bool Truncated, long RowsScanned, int FilesRead)
{
    /// <summary>Damaged files that were moved aside while answering: their rows are not in this answer.</summary>
    public IReadOnlyList<DamagedFile> Damaged { get; init; } = [];
}

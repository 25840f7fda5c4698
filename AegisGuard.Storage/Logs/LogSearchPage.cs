using AegisGuard.Storage.Telemetry;
using AegisGuard.Storage.Parquet;

namespace AegisGuard.Storage.Logs;

/// <summary>One page of a log search.</summary>
/// <param name="Rows">The lines, in the requested order.</param>
/// <param name="Next">Position to continue from, or null when no line follows.</param>
/// <param name="RowsScanned">Rows held by the Parquet files the search opened (an upper bound of the rows DuckDB
/// read: row groups outside the filters' ranges are skipped by their statistics).</param>
/// <param name="FilesRead">Parquet files the search opened.</param>
public sealed record LogSearchPage(IReadOnlyList<LogRecord> Rows, LogPosition? Next, long RowsScanned, int FilesRead)
{
    /// <summary>Damaged files that were moved aside while answering: their rows are not in this answer.</summary>
    public IReadOnlyList<DamagedFile> Damaged { get; init; } = [];
}

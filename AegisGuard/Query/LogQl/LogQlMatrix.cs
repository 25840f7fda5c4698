using AegisGuard.Storage.Parquet;

namespace AegisGuard.Query.LogQl;

/// <summary>The result of a metric query: series over the steps start, start + step, ….</summary>
/// <param name="Start">First step (UTC).</param>
/// <param name="Step">Distance between steps.</param>
/// <param name="Points">Number of steps.</param>
/// <param name="Series">The series, sorted by labels.</param>
/// <param name="RowsScanned">Rows held by the files read.</param>
/// <param name="FilesRead">Files read.</param>
public sealed record LogQlMatrix(DateTime Start, TimeSpan Step, int Points, IReadOnlyList<LogQlSeries> Series, long RowsScanned, int FilesRead)
{
    /// <summary>Damaged files moved aside while evaluating: their lines are not counted.</summary>
    public IReadOnlyList<DamagedFile> Damaged { get; init; } = [];
}

using System.Text.Json.Serialization;

namespace AegisGuard.Query.LogQl.Contracts;

/// <summary>What a query cost.</summary>
/// <param name="RowsScanned">Rows held by the Parquet files the query opened (an upper bound of the rows DuckDB read:
/// row groups outside the time range or selectors are skipped by their statistics, and a search stops opening files
/// once its page is complete).</param>
/// <param name="FilesRead">Parquet files opened.</param>
/// <param name="ElapsedMs">Time spent answering, in milliseconds.</param>
public sealed record LogQueryStats(
    [property: JsonPropertyName("rows_scanned")] long RowsScanned,
    [property: JsonPropertyName("files_read")] int FilesRead,
    [property: JsonPropertyName("elapsed_ms")] double ElapsedMs);

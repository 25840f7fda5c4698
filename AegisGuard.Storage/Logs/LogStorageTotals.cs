namespace AegisGuard.Storage.Logs;

/// <summary>What an org's logs take on disk, from the manifest.</summary>
/// <param name="Files">Parquet files listed.</param>
/// <param name="Rows">Log lines stored.</param>
/// <param name="Bytes">Bytes of those files.</param>
/// <param name="Oldest">Earliest event time stored, or null when there is none.</param>
/// <param name="Newest">Latest event time stored, or null when there is none.</param>
public sealed record LogStorageTotals(long Files, long Rows, long Bytes, DateTime? Oldest, DateTime? Newest);

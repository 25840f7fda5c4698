namespace AegisGuard.Storage.Parquet;

/// <summary>What start-up's cleanup of unlisted files did.</summary>
/// <param name="Deleted">Temp files and leftovers of an interrupted flush or compaction (their rows exist elsewhere).</param>
/// <param name="Quarantined">Unlisted Parquet files moved to <c>data/quarantine/files</c> with a health warning.</param>
public sealed record OrphanCleanup(int Deleted, int Quarantined);

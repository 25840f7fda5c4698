namespace AegisGuard.Storage.Parquet;

/// <summary>What a manifest rebuild found and did.</summary>
/// <param name="Reason">Why it was rebuilt (missing, or damaged and moved aside as …).</param>
/// <param name="FilesListed">Parquet files listed again.</param>
/// <param name="RowsListed">Rows those files hold.</param>
/// <param name="FilesDoomed">Fresh files already merged into a compacted file: scheduled for deletion, not listed.</param>
/// <param name="FilesReplayed">Fresh files the ingest log still holds: not listed, written again by the replay.</param>
/// <param name="FilesQuarantined">Files that could not be listed, moved to <c>data/quarantine/files</c>.</param>
/// <param name="FlushedUntil">The flushed position set: the replay stores every record from here on.</param>
public sealed record ManifestRebuild(string Reason, int FilesListed, long RowsListed, int FilesDoomed, int FilesReplayed, int FilesQuarantined, long FlushedUntil);

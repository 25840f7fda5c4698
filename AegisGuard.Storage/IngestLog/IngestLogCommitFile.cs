namespace AegisGuard.Storage.IngestLog;

/// <summary>One commit file found on disk and the verdict on it.</summary>
/// <param name="Number">The commit number (from the file name).</param>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Legacy">True for FASTER's own format (<c>log-commits/commit.N.0</c>, written before this store existed).</param>
/// <param name="Bytes">The FASTER metadata it carries, when valid.</param>
/// <param name="Metadata">The parsed metadata, when valid.</param>
/// <param name="Problem">Why the file cannot be used, or null when it is valid.</param>
internal sealed record IngestLogCommitFile(long Number, string Path, bool Legacy, byte[]? Bytes, FasterCommitMetadata? Metadata, string? Problem)
{
    public bool IsValid => Problem is null;
}

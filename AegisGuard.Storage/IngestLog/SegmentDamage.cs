namespace AegisGuard.Storage.IngestLog;

/// <summary>A segment file that does not hold the bytes the log's commit says it holds.</summary>
/// <param name="Path">The segment file.</param>
/// <param name="Problem">What is wrong with it (missing, or how far it was truncated).</param>
/// <param name="From">First log address whose bytes are gone.</param>
/// <param name="To">Address after the last one whose bytes are gone (within the range that was checked).</param>
/// <param name="NeededLength">How long the file must be to cover the checked range.</param>
internal sealed record SegmentDamage(string Path, string Problem, long From, long To, long NeededLength);

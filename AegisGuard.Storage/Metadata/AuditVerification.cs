namespace AegisGuard.Storage.Metadata;

/// <summary>The result of walking the audit chain.</summary>
/// <param name="Intact">True when every entry follows its predecessor and matches its hash.</param>
/// <param name="EntriesChecked">How many entries were read.</param>
/// <param name="FirstBrokenSeq">The sequence number of the first entry that does not check out, or null.</param>
/// <param name="Problem">A human explanation of what is wrong with that entry, or null.</param>
/// <param name="HeadHash">The hash of the last entry (or the genesis hash of an empty log).</param>
/// <param name="ReanchoredAt">The entry an operator re-anchored the log at (<c>audit reanchor</c>), declaring the history the anchor no longer matched lost; null when never.</param>
public sealed record AuditVerification(bool Intact, long EntriesChecked, long? FirstBrokenSeq, string? Problem, string HeadHash, long? ReanchoredAt = null);

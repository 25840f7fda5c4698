namespace AegisGuard.Storage.Metadata;

/// <summary>One page of audit entries and how many match in total.</summary>
/// <param name="Entries">The entries of the page, newest first.</param>
/// <param name="Total">Entries matching the filters across all pages.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long Total);

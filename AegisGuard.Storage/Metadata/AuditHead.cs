namespace AegisGuard.Storage.Metadata;

/// <summary>The newest audit entry as the head anchor records it.</summary>
/// <param name="Seq">Its sequence number (-1 when the anchor file is unreadable).</param>
/// <param name="Hash">Its hash.</param>
public sealed record AuditHead(long Seq, string Hash);

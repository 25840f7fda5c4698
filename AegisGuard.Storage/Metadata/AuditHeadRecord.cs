namespace AegisGuard.Storage.Metadata;

/// <summary>
/// One line of the head log <c>audit.head</c>: the chain's head after an advance (<see cref="Seq"/>, <see cref="Hash"/>)
/// and the head it advanced from (<see cref="PrevSeq"/>, <see cref="PrevHash"/>), so the log is itself a chain whose
/// every link was checked against meta.db when it was written.
/// </summary>
/// <param name="Line">1-based line number in the file (for messages).</param>
/// <param name="Seq">The head's sequence number, or -1 when the line cannot be read.</param>
/// <param name="Hash">The head entry's hash.</param>
/// <param name="PrevSeq">The previous head's sequence number (0 for the first head; -1 for a line written before heads carried their predecessor).</param>
/// <param name="PrevHash">The previous head's hash.</param>
/// <param name="Reanchored">True when an operator ran <c>audit reanchor</c>: the history before this head was declared lost.</param>
public sealed record AuditHeadRecord(long Line, long Seq, string Hash, long PrevSeq, string PrevHash, bool Reanchored)
{
    /// <summary>The head this record names.</summary>
    public AuditHead Head => new(Seq, Hash);
}

namespace AegisGuard.Ingest.Schema;

/// <summary>
/// What <see cref="WireValidator"/> found: <see cref="DecodeOutcome.Ok"/> when the decoders may read the body,
/// otherwise the outcome to answer with (item errors are in the <see cref="DecodeContext"/>).
/// </summary>
internal readonly record struct WireCheck(DecodeOutcome Outcome, int ItemCount, string? Problem);

namespace AegisGuard.Ingest.Schema;

/// <summary>The outcome of decoding a batch: the rows when it is valid, or why it is not.</summary>
public sealed class BatchDecodeResult<TRow>
{
    public required DecodeOutcome Outcome { get; init; }

    /// <summary>Items in the batch (as counted, even when invalid).</summary>
    public int ItemCount { get; init; }

    /// <summary>A human explanation for <see cref="DecodeOutcome.Malformed"/> and <see cref="DecodeOutcome.TooManyItems"/>.</summary>
    public string? Problem { get; init; }

    public IReadOnlyList<TRow> Rows { get; init; } = [];
}

namespace AegisGuard.Ingest.Schema;

/// <summary>How decoding a batch ended.</summary>
public enum DecodeOutcome
{
    /// <summary>Every item is valid.</summary>
    Ok,

    /// <summary>The body is not JSON of the expected shape (400).</summary>
    Malformed,

    /// <summary>More items than the endpoint allows (413).</summary>
    TooManyItems,

    /// <summary>Well-formed, but at least one item is invalid (422); see the context's errors.</summary>
    Invalid,
}

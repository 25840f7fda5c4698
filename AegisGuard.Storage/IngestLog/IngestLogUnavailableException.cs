namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// Thrown when a record could not be made durable (disk full, device error, commit timeout).
/// The caller must not acknowledge the record: the ingest API answers 503.
/// </summary>
public class IngestLogUnavailableException : Exception
{
    /// <summary>Creates the exception with a human reason.</summary>
    public IngestLogUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a human reason and the underlying failure.</summary>
    public IngestLogUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default reason.</summary>
    public IngestLogUnavailableException() : base("the ingest log cannot write") { }
}

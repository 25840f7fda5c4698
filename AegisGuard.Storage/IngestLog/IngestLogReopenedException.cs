namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// Thrown by every call of a reader whose log instance failed and is being (or was) replaced by a new one recovered
/// from the last durable commit. Dispose the reader and open a new one with <see cref="IngestLog.OpenReader"/>: it
/// resumes at the last completed position, so records may be delivered again (skip those already handled).
/// </summary>
public sealed class IngestLogReopenedException : IngestLogUnavailableException
{
    /// <summary>Creates the exception with a human reason.</summary>
    public IngestLogReopenedException(string message) : base(message) { }

    /// <summary>Creates the exception with a human reason and the underlying failure.</summary>
    public IngestLogReopenedException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default reason.</summary>
    public IngestLogReopenedException() : base("the ingest log was reopened; open a new reader") { }
}

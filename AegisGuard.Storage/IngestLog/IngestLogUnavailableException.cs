namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// Thrown when a record could not be made durable (disk full, device error, commit timeout, a log reopening after a
/// fault). The caller must not acknowledge the record: the ingest API answers 503.
/// When the record was enqueued before the failure, <see cref="Generation"/> and <see cref="Address"/> say where it
/// went: it may still become durable (see <see cref="IngestLog.IsDurable"/>), so a retry must be deduplicated.
/// </summary>
public class IngestLogUnavailableException : Exception
{
    /// <summary>Creates the exception with a human reason.</summary>
    public IngestLogUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a human reason and the underlying failure.</summary>
    public IngestLogUnavailableException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with a default reason.</summary>
    public IngestLogUnavailableException() : base("the ingest log cannot write") { }

    /// <summary>Creates the exception for a record that was enqueued at <paramref name="address"/> but not confirmed durable.</summary>
    public IngestLogUnavailableException(string message, long generation, long address, Exception? inner = null)
        : base(message, inner)
    {
        Generation = generation;
        Address = address;
    }

    /// <summary>The log generation the record was enqueued in, when it was enqueued at all.</summary>
    public long? Generation { get; }

    /// <summary>The address the record was enqueued at, when it was enqueued at all.</summary>
    public long? Address { get; }
}

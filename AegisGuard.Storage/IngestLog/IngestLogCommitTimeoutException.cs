namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// The record was appended at <see cref="Address"/> but its commit did not complete in time. It was not acknowledged,
/// yet it may still become durable: a caller that remembers it (idempotency) must not append it a second time before
/// it knows (<see cref="IngestLog.IsDurable"/>).
/// </summary>
public sealed class IngestLogCommitTimeoutException : IngestLogUnavailableException
{
    /// <summary>Creates the exception for the record at <paramref name="address"/>.</summary>
    public IngestLogCommitTimeoutException(string message, long address) : base(message) => Address = address;

    /// <summary>Where the record was appended.</summary>
    public long Address { get; }
}

namespace AegisGuard.Storage.IngestLog;

/// <summary>One record read back from the ingest log.</summary>
/// <param name="Address">Logical address of the record.</param>
/// <param name="NextAddress">Address right after it: complete or truncate until this to consume the record.</param>
/// <param name="Payload">The record bytes (a private copy).</param>
public readonly record struct IngestLogEntry(long Address, long NextAddress, byte[] Payload);

using AegisGuard.Ingest;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Pipeline;

/// <summary>
/// The rows of one ingest log record after decoding (none when the record was skipped or set aside), with the record's
/// envelope and idempotency stamp: the stamp is copied to meta.db before the log may forget the record, whatever
/// became of its rows.
/// </summary>
internal sealed record NormalizedBatch(long Address, long NextAddress, int OrgId, IReadOnlyList<TelemetryRow> Rows, IngestEnvelope? Envelope, IdempotencyStamp? Stamp);

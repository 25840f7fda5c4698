using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Pipeline;

/// <summary>The rows of one ingest log record after decoding, scrubbing and enrichment (none when skipped).</summary>
internal sealed record NormalizedBatch(long Address, long NextAddress, int OrgId, IReadOnlyList<TelemetryRow> Rows);

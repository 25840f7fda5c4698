namespace AegisGuard.Ingest;

/// <summary>The 202 answer: the batch is durable in the ingest log.</summary>
/// <param name="Accepted">Number of events accepted.</param>
/// <param name="BatchId">Id of the batch (the same for an idempotent retry).</param>
public sealed record IngestAccepted(int Accepted, string BatchId);

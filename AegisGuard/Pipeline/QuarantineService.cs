using System.Security.Cryptography;
using AegisGuard.Audit;
using AegisGuard.Ingest;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Quarantine;

namespace AegisGuard.Pipeline;

/// <summary>
/// What an org admin can do with the batches of their org that the pipeline set aside: see them with the reason,
/// send one back through the pipeline (after the cause was fixed, e.g. by an upgrade), or give it up. Every replay and
/// discard is audited. An org only ever sees and touches its own entries.
/// </summary>
public sealed class QuarantineService(QuarantineStore store, IngestLog log, AuditLog audit)
{
    /// <summary>The org's entries, newest first.</summary>
    public IReadOnlyList<QuarantinedRecord> List(int orgId, bool includeReplayed = false) => store.List(orgId, includeReplayed);

    /// <summary>The org's entry with <paramref name="id"/>, or null (also for another org's id).</summary>
    public QuarantinedRecord? Find(int orgId, string id) => store.Find(id) is { } entry && entry.OrgId == orgId ? entry : null;

    /// <summary>
    /// Appends the entry's record to the ingest log again, exactly as it was accepted (same batch id): the pipeline
    /// stores it, or sets it aside again under a new id with the new reason.
    /// </summary>
    public async Task<ReplayOutcome> ReplayAsync(HttpContext http, int orgId, string id, CancellationToken cancellationToken)
    {
        var entry = Find(orgId, id);
        if (entry is null)
        {
            return new ReplayOutcome(ReplayResult.NotFound, null, null);
        }

        if (entry.State != QuarantineStore.Quarantined)
        {
            return new ReplayOutcome(ReplayResult.NotWaiting, entry, $"it is {entry.State}");
        }

        byte[] payload;
        try
        {
            payload = store.ReadPayload(id);
        }
        catch (CryptographicException)
        {
            return new ReplayOutcome(ReplayResult.Unavailable, entry, "the key ring in data/keys cannot decrypt the quarantined record (missing or replaced)");
        }

        if (!IngestEnvelope.TryRead(payload, out var envelope, out _) || envelope.OrgId != orgId)
        {
            return new ReplayOutcome(ReplayResult.NotReplayable, entry, "its header cannot be read, so it cannot go through the pipeline again");
        }

        // Marked before the append: a crash in between leaves "replaying", which the next start settles by looking for
        // the batch in the ingest log (IngestRecovery) — never a second append of the same record.
        store.SetState(id, QuarantineStore.Replaying);
        try
        {
            await log.AppendAsync(payload, cancellationToken);
        }
        catch (IngestLogUnavailableException ex)
        {
            bool? durable = ex.Generation is { } g && ex.Address is { } a
                ? await log.WaitUntilDecidedAsync(g, a, TimeSpan.FromSeconds(10), cancellationToken)
                : false;
            if (durable is null)
            {
                return new ReplayOutcome(ReplayResult.Unavailable, store.Find(id), $"{ex.Message}; whether it reached the ingest log is settled at the next start");
            }

            if (durable == false)
            {
                store.SetState(id, QuarantineStore.Quarantined);
                return new ReplayOutcome(ReplayResult.Unavailable, store.Find(id), ex.Message);
            }
        }

        var replayed = store.SetState(id, QuarantineStore.Replayed);
        audit.Record(http, AuditActions.QuarantineReplayed, AuditActions.Outcomes.Success, orgId, id,
            new { batch_id = entry.BatchId, signal = entry.Signal, items = entry.ItemCount, reason = entry.Reason });
        return new ReplayOutcome(ReplayResult.Replayed, replayed, null);
    }

    /// <summary>Deletes the entry and its data (audited); false when the org has no such entry.</summary>
    public bool Discard(HttpContext http, int orgId, string id)
    {
        var entry = Find(orgId, id);
        if (entry is null || !store.Discard(id))
        {
            return false;
        }

        audit.Record(http, AuditActions.QuarantineDiscarded, AuditActions.Outcomes.Success, orgId, id,
            new { batch_id = entry.BatchId, signal = entry.Signal, items = entry.ItemCount, reason = entry.Reason });
        return true;
    }
}

/// <summary>How a replay ended.</summary>
public enum ReplayResult
{
    Replayed,
    NotFound,
    NotWaiting,
    NotReplayable,
    Unavailable,
}

/// <summary>A replay's result, the entry as it is now, and why when it did not happen.</summary>
public sealed record ReplayOutcome(ReplayResult Result, QuarantinedRecord? Entry, string? Reason);

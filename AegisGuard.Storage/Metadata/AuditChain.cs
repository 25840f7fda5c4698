using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AegisGuard.Storage.Metadata;

/// <summary>
/// The hash chain of the audit log. Every entry's hash covers its sequence number, every field and the previous
/// entry's hash, serialised canonically (a JSON array in a fixed order, so no field can bleed into another). An
/// edited field changes the entry's hash; a deleted or reordered row leaves a gap in the sequence or a
/// <c>prev_hash</c> that no longer matches; so the first entry that does not check out is found by one walk.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Hex SHA-256 of the canonical form of <paramref name="entry"/> (its own <see cref="AuditEntry.Hash"/> is ignored).</summary>
    public static string ComputeHash(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(entry.Seq);
            json.WriteNumberValue(new DateTimeOffset(DateTime.SpecifyKind(entry.At, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            json.WriteStringValue(entry.Actor);
            if (entry.OrgId is int org)
            {
                json.WriteNumberValue(org);
            }
            else
            {
                json.WriteNullValue();
            }

            WriteNullable(json, entry.Action);
            WriteNullable(json, entry.Target);
            WriteNullable(json, entry.Ip);
            WriteNullable(json, entry.UserAgent);
            WriteNullable(json, entry.Outcome);
            WriteNullable(json, entry.Details);
            json.WriteStringValue(entry.PrevHash);
            json.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>
    /// Walks <paramref name="entries"/> (in sequence order) and reports the first one that breaks the chain; then
    /// checks <paramref name="anchor"/>, the head recorded outside the database (null: no anchor file).
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead? anchor = null) =>
        Verify(entries, anchor is null ? [] : [new AuditHeadRecord(1, anchor.Seq, anchor.Hash, -1, string.Empty, false)], anchorExists: anchor is not null);

    /// <summary>
    /// Walks <paramref name="entries"/> from <paramref name="fromSeq"/> (whose predecessor's hash is
    /// <paramref name="fromPrevHash"/>) and the head log <paramref name="heads"/> (enumerated twice) together: every entry
    /// must follow its predecessor and match its hash; the head log must be a chain of its own (each record names the
    /// one before it); and every head recorded since the last re-anchoring must be in <paramref name="entries"/> at its
    /// place. With <paramref name="tailOnly"/> the first head record's predecessor is not checked (the fast start-up
    /// check reads only the file's tail).
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, IEnumerable<AuditHeadRecord> heads, bool anchorExists,
        long fromSeq = 1, string? fromPrevHash = null, bool tailOnly = false)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(heads);
        string previous = fromPrevHash ?? Genesis;

        // Pass 1: the head log as a chain of its own; find where the operator last re-anchored.
        AuditHeadRecord? before = null;
        long index = 0;
        long reanchorIndex = 0;
        AuditHeadRecord? reanchor = null;
        foreach (var head in heads)
        {
            index++;
            string? problem = head.Seq < 0
                ? "is unreadable"
                : before is null
                    ? head.PrevSeq == -1 || tailOnly || (head.PrevSeq == 0 && head.PrevHash == Genesis) ? null : "names a predecessor although it is the first line"
                    : head.Seq <= before.Seq && !head.Reanchored
                        ? string.Create(CultureInfo.InvariantCulture, $"goes back from entry {before.Seq} to entry {head.Seq}")
                        : head.PrevSeq != before.Seq || !string.Equals(head.PrevHash, before.Hash, StringComparison.Ordinal)
                            ? string.Create(CultureInfo.InvariantCulture, $"does not follow the line before it (it names entry {head.PrevSeq} as its predecessor, the line before records entry {before.Seq}): lines were removed or edited")
                            : null;
            if (problem is not null)
            {
                return new AuditVerification(false, 0, head.Seq < 0 ? null : head.Seq,
                    string.Create(CultureInfo.InvariantCulture, $"line {head.Line} of the head log ({AuditAnchor.FileName}) {problem}"), previous);
            }

            if (head.Reanchored)
            {
                reanchorIndex = index;
                reanchor = head;
            }

            before = head;
        }

        // Pass 2: the entries, and the heads recorded since the last re-anchoring, in step.
        using var pending = heads.Skip((int)Math.Max(0, reanchorIndex - 1)).Where(h => h.Seq >= fromSeq).GetEnumerator();
        bool hasPending = pending.MoveNext();
        long expectedSeq = fromSeq;
        long checkedCount = 0;
        foreach (var entry in entries)
        {
            checkedCount++;
            if (entry.Seq != expectedSeq)
            {
                string what = entry.Seq > expectedSeq
                    ? string.Create(CultureInfo.InvariantCulture, $"entry {expectedSeq} is missing: the chain jumps from {expectedSeq - 1} to {entry.Seq} (a row was deleted)")
                    : string.Create(CultureInfo.InvariantCulture, $"entry {entry.Seq} appears where entry {expectedSeq} belongs (rows were reordered or duplicated)");
                return new AuditVerification(false, checkedCount, Math.Min(entry.Seq, expectedSeq), what, previous);
            }

            if (!string.Equals(entry.PrevHash, previous, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, entry.Seq,
                    string.Create(CultureInfo.InvariantCulture, $"entry {entry.Seq} does not follow entry {entry.Seq - 1}: its prev_hash is not that entry's hash (a row was deleted, replaced or reordered)"),
                    previous);
            }

            if (!string.Equals(ComputeHash(entry), entry.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, entry.Seq,
                    string.Create(CultureInfo.InvariantCulture, $"entry {entry.Seq} was altered: its contents no longer match its hash"),
                    previous);
            }

            while (hasPending && pending.Current.Seq <= entry.Seq)
            {
                if (pending.Current.Seq == entry.Seq && !string.Equals(entry.Hash, pending.Current.Hash, StringComparison.Ordinal))
                {
                    return new AuditVerification(false, checkedCount, entry.Seq,
                        string.Create(CultureInfo.InvariantCulture, $"entry {entry.Seq} is not the entry the head anchor ({AuditAnchor.FileName}, line {pending.Current.Line}) recorded: the chain was rebuilt from this entry on, or meta.db was replaced"),
                        previous);
                }

                hasPending = pending.MoveNext();
            }

            previous = entry.Hash;
            expectedSeq++;
        }

        long lastSeq = expectedSeq - 1;
        if (!anchorExists && lastSeq > 0)
        {
            return new AuditVerification(false, checkedCount, null,
                $"the head anchor ({AuditAnchor.FileName} beside meta.db) is missing, so deleting the newest entries cannot be ruled out",
                previous);
        }

        if (anchorExists && before is null && lastSeq > 0)
        {
            return new AuditVerification(false, checkedCount, null,
                string.Create(CultureInfo.InvariantCulture, $"the head anchor ({AuditAnchor.FileName}) is empty, but meta.db holds {lastSeq} entries (its lines were removed)"),
                previous);
        }

        if (hasPending)
        {
            long anchored = before!.Seq;
            string what = string.Create(CultureInfo.InvariantCulture,
                $"{(anchored == lastSeq + 1 ? $"entry {anchored} is" : $"entries {lastSeq + 1} to {anchored} are")} missing: the head anchor ({AuditAnchor.FileName}) records entry {anchored}, the log ends at {lastSeq} (the newest rows were deleted, or meta.db was replaced)");
            return new AuditVerification(false, checkedCount, lastSeq + 1, what, previous);
        }

        return new AuditVerification(true, checkedCount, null, null, previous, reanchor?.Seq);
    }

    private static void WriteNullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }
}

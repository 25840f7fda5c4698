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
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string previous = Genesis;
        long expectedSeq = 1;
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

            if (anchor is not null && entry.Seq == anchor.Seq && !string.Equals(entry.Hash, anchor.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, checkedCount, entry.Seq,
                    string.Create(CultureInfo.InvariantCulture, $"entry {entry.Seq} is not the entry the head anchor ({AuditAnchor.FileName}) recorded: the chain was rebuilt from this entry on"),
                    previous);
            }

            previous = entry.Hash;
            expectedSeq++;
        }

        if (anchor is null && checkedCount > 0)
        {
            return new AuditVerification(false, checkedCount, null,
                $"the head anchor ({AuditAnchor.FileName} beside meta.db) is missing, so deleting the newest entries could not be detected (the server writes it again at start-up)",
                previous);
        }

        if (anchor is not null && (anchor.Seq < 0 || anchor.Seq > checkedCount))
        {
            string what = anchor.Seq < 0
                ? $"the head anchor ({AuditAnchor.FileName}) is unreadable"
                : string.Create(CultureInfo.InvariantCulture, $"{(anchor.Seq == checkedCount + 1 ? $"entry {anchor.Seq} is" : $"entries {checkedCount + 1} to {anchor.Seq} are")} missing: the head anchor ({AuditAnchor.FileName}) records entry {anchor.Seq}, the log ends at {checkedCount} (the newest rows were deleted)");
            return new AuditVerification(false, checkedCount, anchor.Seq < 0 ? null : checkedCount + 1, what, previous);
        }

        return new AuditVerification(true, checkedCount, null, null, previous);
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

using System.Globalization;
using AegisGuard.Storage.Health;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    /// <summary>The health board component a broken audit chain or anchor is reported under.</summary>
    public const string AuditHealthComponent = "audit";

    /// <summary>The file beside meta.db that remembers the newest entry the start-up check found sound.</summary>
    public const string AuditCheckpointFileName = "audit.verified";

    private string? auditAnchorProblem;

    /// <summary>
    /// Why the audit anchor no longer advances (the chain in meta.db does not continue the anchored one), or null
    /// while it does. Entries are still appended then: the log keeps recording, the anchor keeps the last sound head.
    /// </summary>
    public string? AuditAnchorProblem => auditAnchorProblem;

    /// <summary>
    /// The start-up check: from the newest entry an earlier start found sound (<c>audit.verified</c>) to the tip, every
    /// entry must follow its predecessor and match its hash, and the heads in the tail of <c>audit.head</c> must be in
    /// the chain at their place. A missing anchor is never rewritten from the chain (that would launder a truncation); a
    /// new, empty chain gets an empty head log. A break is reported on the health board (<c>audit</c>, Warning) and
    /// freezes the anchor. <c>audit verify</c> does the full walk.
    /// </summary>
    public AuditVerification CheckAuditAtStartup()
    {
        lock (auditWriter)
        {
            try
            {
                return CheckAuditFromCheckpoint();
            }
            catch (SqliteException ex) when (Sqlite.SqliteDatabase.IsDamage(ex))
            {
                // Damage in the large tables is the background check's to report (metadata, not ready): start anyway,
                // but the chain cannot be shown intact, so the anchor freezes.
                string problem = $"the audit log cannot be read (SQLite: {ex.Message.TrimEnd('.')})";
                ReportAnchorProblem(problem);
                return new AuditVerification(false, 0, null, problem, AuditChain.Genesis);
            }
        }
    }

    private AuditVerification CheckAuditFromCheckpoint()
    {
        bool anchorExists = auditAnchor.Exists;
        long tip = AuditTipSeq();
        if (!anchorExists && tip == 0)
        {
            auditAnchor.CreateEmpty();
            return new AuditVerification(true, 0, null, null, AuditChain.Genesis);
        }

        long from = 1;
        string? prevHash = null;
        if (ReadCheckpoint() is { } checkpoint && checkpoint.Seq <= tip &&
            string.Equals(HashAt(checkpoint.Seq), checkpoint.Hash, StringComparison.Ordinal))
        {
            from = checkpoint.Seq + 1;
            prevHash = checkpoint.Hash;
        }

        var result = VerifyReadable(ReadAuditChain(from), auditAnchor.ReadTail(), anchorExists, from, prevHash, tailOnly: true);
        if (result.Intact)
        {
            WriteCheckpoint(new AuditHead(from - 1 + result.EntriesChecked, result.HeadHash));
            ClearAnchorProblem();
        }
        else
        {
            ReportAnchorProblem(result.FirstBrokenSeq is { } seq
                ? string.Create(CultureInfo.InvariantCulture, $"the audit log is broken at entry {seq}: {result.Problem}")
                : $"the audit log is broken: {result.Problem}");
        }

        return result;
    }

    /// <summary>
    /// What an operator runs once the history the anchor recorded is known to be lost for good (no backup holds it):
    /// appends an entry <paramref name="action"/> that records the problem and the old anchored head, then a re-anchoring
    /// line for it to <c>audit.head</c>. Verification afterwards checks the chain and the heads from there on, and says
    /// where the history was declared lost. Returns the full verification before the re-anchoring; nothing is done when
    /// it is intact.
    /// </summary>
    public AuditVerification Reanchor(string actor, string action)
    {
        lock (auditWriter)
        {
            var before = VerifyAuditChain();
            if (before.Intact)
            {
                return before;
            }

            var old = auditAnchor.Read();
            auditAnchorProblem = before.Problem ?? "broken"; // the entry below must not advance the old anchor
            var entry = AppendAudit(new AuditEvent
            {
                At = time.GetUtcNow().UtcDateTime,
                Actor = actor,
                Action = action,
                Outcome = "success",
                Details = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["problem"] = before.Problem,
                    ["first_broken_seq"] = before.FirstBrokenSeq,
                    ["anchored_seq"] = old?.Seq,
                    ["anchored_hash"] = old?.Hash,
                }),
            });
            auditAnchor.Reanchor(new AuditHead(entry.Seq, entry.Hash));
            WriteCheckpoint(new AuditHead(0, AuditChain.Genesis)); // the next start walks everything once
            ClearAnchorProblem();
            return before;
        }
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="seq"/>, oldest first (for shipping to sinks).</summary>
    public IReadOnlyList<AuditEntry> ReadAuditAfter(long seq, int limit)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log WHERE seq > $seq ORDER BY seq LIMIT $limit";
        command.Parameters.AddWithValue("$seq", seq);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(ReadAudit(reader));
        }

        return entries;
    }

    /// <summary>The newest entry's sequence number (0 for an empty log).</summary>
    public long AuditTipSeq()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM audit_log";
        return (long)command.ExecuteScalar()!;
    }

    private void AdvanceAnchor(AuditEntry entry)
    {
        if (auditAnchorProblem is not null)
        {
            return;
        }

        string? problem = auditAnchor.Advance(new AuditHead(entry.Seq, entry.Hash), HashAt);
        if (problem is not null)
        {
            ReportAnchorProblem($"entry {entry.Seq.ToString(CultureInfo.InvariantCulture)} does not continue the anchored chain: {problem}");
        }
    }

    private void ReportAnchorProblem(string problem)
    {
        auditAnchorProblem = problem;
        string dataDir = System.IO.Path.GetDirectoryName(auditAnchor.Path)!;
        health?.Report(AuditHealthComponent, HealthImpact.Warning,
            $"{problem}. The head anchor {auditAnchor.Path} is kept as it is and no longer advances (new entries are still recorded). " +
            $"Run `AegisGuard audit verify --data {dataDir}`, then restore meta.db (with meta.db-wal) and {AuditAnchor.FileName} from the backup taken together; " +
            $"if that history is lost for good, record it with `AegisGuard audit reanchor --data {dataDir}` and restart.");
    }

    private void ClearAnchorProblem()
    {
        auditAnchorProblem = null;
        health?.Clear(AuditHealthComponent);
    }

    private string? HashAt(long seq)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT hash FROM audit_log WHERE seq = $seq";
        command.Parameters.AddWithValue("$seq", seq);
        return command.ExecuteScalar() as string;
    }

    private IEnumerable<AuditEntry> ReadAuditChain(long from)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log WHERE seq >= $from ORDER BY seq";
        command.Parameters.AddWithValue("$from", from);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadAudit(reader);
        }
    }

    /// <summary>
    /// <see cref="AuditChain.Verify(IEnumerable{AuditEntry}, IEnumerable{AuditHeadRecord}, bool, long, string?, bool)"/>
    /// over rows that may fail to decode: such a row ends the walk as a break at that place instead of an exception.
    /// Damage SQLite itself reports (a malformed page) still throws: the whole file needs restoring then.
    /// </summary>
    private static AuditVerification VerifyReadable(IEnumerable<AuditEntry> entries, IEnumerable<AuditHeadRecord> heads, bool anchorExists,
        long from, string? prevHash, bool tailOnly)
    {
        var guarded = new GuardedEntries(entries);
        var result = AuditChain.Verify(guarded, heads, anchorExists, from, prevHash, tailOnly);
        if (guarded.Failure is { } failure && (result.Intact || result.FirstBrokenSeq is null || result.FirstBrokenSeq > guarded.LastSeq))
        {
            long seq = guarded.LastSeq + 1;
            return new AuditVerification(false, result.EntriesChecked, seq,
                string.Create(CultureInfo.InvariantCulture, $"the entry after {guarded.LastSeq} cannot be read ({failure.GetType().Name}: {failure.Message.TrimEnd('.')}): meta.db was edited outside the appliance"),
                result.HeadHash);
        }

        return result;
    }

    private AuditHead? ReadCheckpoint()
    {
        try
        {
            string[] parts = File.ReadAllText(CheckpointPath()).Trim().Split(' ');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long seq) && seq > 0
                ? new AuditHead(seq, parts[1])
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void WriteCheckpoint(AuditHead head)
    {
        try
        {
            // No fsync: a lost checkpoint only makes the next start-up check walk further back.
            string path = CheckpointPath();
            File.WriteAllText(path + ".tmp", string.Create(CultureInfo.InvariantCulture, $"{head.Seq} {head.Hash}\n"));
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (IOException)
        {
            // A full disk: the check simply starts further back next time.
        }
    }

    private string CheckpointPath() => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(auditAnchor.Path)!, AuditCheckpointFileName);

    /// <summary>Passes entries through until one fails to decode; remembers the failure and the last good sequence number.</summary>
    private sealed class GuardedEntries(IEnumerable<AuditEntry> inner) : IEnumerable<AuditEntry>
    {
        public Exception? Failure { get; private set; }

        public long LastSeq { get; private set; }

        public IEnumerator<AuditEntry> GetEnumerator()
        {
            using var enumerator = inner.GetEnumerator();
            while (true)
            {
                bool more;
                try
                {
                    more = enumerator.MoveNext();
                }
                catch (Exception ex) when (ex is not SqliteException sqlite || !Sqlite.SqliteDatabase.IsDamage(sqlite))
                {
                    Failure = ex;
                    more = false;
                }

                if (!more)
                {
                    yield break;
                }

                LastSeq = enumerator.Current.Seq;
                yield return enumerator.Current;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

using System.Text;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Storage.Metadata;

public sealed partial class MetadataStore
{
    private const string AuditColumns = "seq, at, actor, org_id, action, target, ip, user_agent, outcome, details, prev_hash, hash";
    private readonly Lock auditWriter = new();

    /// <summary>
    /// Appends an event to the audit chain and returns the stored entry. One writer at a time: a lock in this
    /// process and BEGIN IMMEDIATE across processes (the CLI writes too), so two entries never claim the same
    /// predecessor and the chain never forks. There is deliberately no update or delete.
    /// </summary>
    public AuditEntry AppendAudit(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (auditWriter)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            long lastSeq = 0;
            string lastHash = AuditChain.Genesis;
            using (var last = connection.CreateCommand())
            {
                last.Transaction = transaction;
                last.CommandText = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
                using var reader = last.ExecuteReader();
                if (reader.Read())
                {
                    lastSeq = reader.GetInt64(0);
                    lastHash = reader.GetString(1);
                }
            }

            var draft = new AuditEntry
            {
                Seq = lastSeq + 1,
                At = FromMillis(ToMillis(e.At)), // stored at millisecond precision: hash what is stored
                Actor = e.Actor,
                OrgId = e.OrgId,
                Action = e.Action,
                Target = e.Target,
                Ip = e.Ip,
                UserAgent = e.UserAgent,
                Outcome = e.Outcome,
                Details = e.Details,
                PrevHash = lastHash,
                Hash = string.Empty,
            };
            var entry = draft with { Hash = AuditChain.ComputeHash(draft) };

            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = $"""
                    INSERT INTO audit_log ({AuditColumns})
                    VALUES ($seq, $at, $actor, $org, $action, $target, $ip, $agent, $outcome, $details, $prev, $hash)
                    """;
                insert.Parameters.AddWithValue("$seq", entry.Seq);
                insert.Parameters.AddWithValue("$at", ToMillis(entry.At));
                insert.Parameters.AddWithValue("$actor", entry.Actor);
                insert.Parameters.AddWithValue("$org", (object?)entry.OrgId ?? DBNull.Value);
                insert.Parameters.AddWithValue("$action", entry.Action);
                insert.Parameters.AddWithValue("$target", (object?)entry.Target ?? DBNull.Value);
                insert.Parameters.AddWithValue("$ip", (object?)entry.Ip ?? DBNull.Value);
                insert.Parameters.AddWithValue("$agent", (object?)entry.UserAgent ?? DBNull.Value);
                insert.Parameters.AddWithValue("$outcome", entry.Outcome);
                insert.Parameters.AddWithValue("$details", entry.Details);
                insert.Parameters.AddWithValue("$prev", entry.PrevHash);
                insert.Parameters.AddWithValue("$hash", entry.Hash);
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
            AdvanceAnchor(entry);
            return entry;
        }
    }

    /// <summary>A page of one org's entries (or the instance's, <see cref="AuditQuery.Instance"/>), newest first, with the total count of matches.</summary>
    public AuditPage QueryAudit(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new StringBuilder(query.Instance ? "WHERE org_id IS NULL" : "WHERE org_id = $org");
        using var connection = Open();
        using var count = connection.CreateCommand();
        using var select = connection.CreateCommand();
        void Filter(string clause, string name, object value)
        {
            where.Append(" AND ").Append(clause);
            count.Parameters.AddWithValue(name, value);
            select.Parameters.AddWithValue(name, value);
        }

        count.Parameters.AddWithValue("$org", query.OrgId);
        select.Parameters.AddWithValue("$org", query.OrgId);
        if (!string.IsNullOrEmpty(query.Action))
        {
            if (query.Action.EndsWith('.'))
            {
                Filter("substr(action, 1, length($action)) = $action", "$action", query.Action);
            }
            else
            {
                Filter("action = $action", "$action", query.Action);
            }
        }

        if (!string.IsNullOrEmpty(query.Actor))
        {
            // A part of the actor, in any case ("olga" finds user:olga@example.com): instr on lower() treats every
            // character literally, where LIKE would read % and _ in the text as wildcards.
            Filter("instr(lower(actor), $actor) > 0", "$actor", query.Actor.ToLowerInvariant());
        }

        if (!string.IsNullOrEmpty(query.Outcome))
        {
            Filter("outcome = $outcome", "$outcome", query.Outcome);
        }

        if (query.From is DateTime from)
        {
            Filter("at >= $from", "$from", ToMillis(from));
        }

        if (query.To is DateTime to)
        {
            Filter("at < $to", "$to", ToMillis(to));
        }

        count.CommandText = $"SELECT count(*) FROM audit_log {where}";
        long total = (long)count.ExecuteScalar()!;

        select.CommandText = $"SELECT {AuditColumns} FROM audit_log {where} ORDER BY seq DESC LIMIT $limit OFFSET $offset";
        select.Parameters.AddWithValue("$limit", query.PageSize);
        select.Parameters.AddWithValue("$offset", (long)(Math.Max(1, query.Page) - 1) * query.PageSize);
        using var reader = select.ExecuteReader();
        var entries = new List<AuditEntry>();
        while (reader.Read())
        {
            entries.Add(ReadAudit(reader));
        }

        return new AuditPage(entries, total);
    }

    /// <summary>Every entry in chain order, streamed (for verification).</summary>
    public IEnumerable<AuditEntry> ReadAuditChain()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AuditColumns} FROM audit_log ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return ReadAudit(reader);
        }
    }

    /// <summary>
    /// Walks the whole chain and reports the first entry that was edited, deleted or moved, then checks it against the
    /// whole head log (<c>audit.head</c>): newest entries cut off, a chain rebuilt under it, or a meta.db replaced by
    /// another are reported too. A row that cannot even be decoded is reported as broken, not thrown.
    /// </summary>
    public AuditVerification VerifyAuditChain()
    {
        bool anchorExists = auditAnchor.Exists; // before the rows: anything the anchor names was committed before it was written
        var heads = auditAnchor.ReadAll().ToList().AsReadOnly();
        return VerifyReadable(ReadAuditChain(), heads, anchorExists, 1, null, tailOnly: false);
    }

    // Tolerant of rows edited outside the appliance (an impossible time, a NULL where the schema forbids one): the
    // value read then differs from the one hashed, and the walk reports the entry as altered instead of crashing.
    private static AuditEntry ReadAudit(SqliteDataReader reader) => new()
    {
        Seq = reader.GetInt64(0),
        At = ClampedMillis(reader.GetInt64(1)),
        Actor = StringOrNull(reader, 2) ?? string.Empty,
        OrgId = reader.IsDBNull(3) ? null : (int)Math.Clamp(reader.GetInt64(3), int.MinValue, int.MaxValue),
        Action = StringOrNull(reader, 4) ?? string.Empty,
        Target = StringOrNull(reader, 5),
        Ip = StringOrNull(reader, 6),
        UserAgent = StringOrNull(reader, 7),
        Outcome = StringOrNull(reader, 8) ?? string.Empty,
        Details = StringOrNull(reader, 9) ?? string.Empty,
        PrevHash = StringOrNull(reader, 10) ?? string.Empty,
        Hash = StringOrNull(reader, 11) ?? string.Empty,
    };

    private static DateTime ClampedMillis(long millis) =>
        FromMillis(Math.Clamp(millis, DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()));
}

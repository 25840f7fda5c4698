using AegisGuard.Storage.Metadata;
using AegisGuard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Tests.Audit;

/// <summary>The audit hash chain: appended entries link up, and any edit, deletion or reordering is found.</summary>
public sealed class AuditChainTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly MetadataStore store;

    public AuditChainTests() => store = new MetadataStore(Path.Combine(directory.Path, "meta.db"));

    [Fact]
    public void Appended_entries_form_an_intact_chain()
    {
        var entries = Enumerable.Range(1, 5).Select(i => store.AppendAudit(Event($"action.{i}"))).ToList();

        Assert.Equal([1L, 2, 3, 4, 5], entries.Select(e => e.Seq));
        Assert.Equal(AuditChain.Genesis, entries[0].PrevHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PrevHash));
        var result = store.VerifyAuditChain();
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(entries[^1].Hash, result.HeadHash);
    }

    [Fact]
    public void Concurrent_writers_never_fork_the_chain()
    {
        Parallel.For(0, 40, i => store.AppendAudit(Event($"parallel.{i}")));
        var result = store.VerifyAuditChain();
        Assert.True(result.Intact, result.Problem);
        Assert.Equal(40, result.EntriesChecked);
    }

    [Fact]
    public void The_database_refuses_updates_and_deletes_of_audit_rows()
    {
        store.AppendAudit(Event("auth.login"));
        using var connection = Raw();
        Assert.Throws<SqliteException>(() => Exec(connection, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"));
        Assert.Throws<SqliteException>(() => Exec(connection, "DELETE FROM audit_log WHERE seq = 1"));
        Assert.True(store.VerifyAuditChain().Intact);
    }

    [Theory]
    [InlineData("actor = 'mallory'")]
    [InlineData("outcome = 'success'")]
    [InlineData("details = '{}'")]
    [InlineData("at = at + 1")]
    [InlineData("org_id = 99")]
    public void An_edited_field_is_reported_at_its_entry(string change)
    {
        for (int i = 1; i <= 5; i++)
        {
            store.AppendAudit(Event($"action.{i}") with { Outcome = "failure", Details = """{"n":1}""" });
        }

        Tamper($"UPDATE audit_log SET {change} WHERE seq = 3");

        var result = store.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Equal(3, result.FirstBrokenSeq);
        Assert.Contains("altered", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recomputed_hash_still_breaks_the_link_to_the_next_entry()
    {
        for (int i = 1; i <= 4; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        var second = store.ReadAuditChain().Single(e => e.Seq == 2);
        var forged = second with { Actor = "mallory" };
        Tamper($"UPDATE audit_log SET actor = 'mallory', hash = '{AuditChain.ComputeHash(forged)}' WHERE seq = 2");

        var newest = store.ReadAuditChain().Last();
        var chainAlone = AuditChain.Verify(store.ReadAuditChain(), new AuditHead(newest.Seq, newest.Hash));
        Assert.Equal(3, chainAlone.FirstBrokenSeq);
        Assert.Contains("does not follow entry 2", chainAlone.Problem, StringComparison.Ordinal);

        var withHeadLog = store.VerifyAuditChain(); // the head log recorded entry 2's real hash: the forgery itself is found
        Assert.Equal(2, withHeadLog.FirstBrokenSeq);
        Assert.Contains("head anchor", withHeadLog.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_entry_is_reported_as_missing()
    {
        for (int i = 1; i <= 5; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        Tamper("DELETE FROM audit_log WHERE seq = 2");

        var result = store.VerifyAuditChain();
        Assert.Equal(2, result.FirstBrokenSeq);
        Assert.Contains("missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_the_newest_entries_is_found_through_the_head_anchor()
    {
        for (int i = 1; i <= 5; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        Tamper("DELETE FROM audit_log WHERE seq >= 4");

        var result = store.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Equal(4, result.FirstBrokenSeq);
        Assert.Contains("entries 4 to 5 are missing", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_rebuilt_after_a_deletion_does_not_match_the_head_anchor()
    {
        for (int i = 1; i <= 3; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        // Delete entry 3 and forge a new, internally consistent entry 3 in its place.
        var second = store.ReadAuditChain().Single(e => e.Seq == 2);
        var forged = store.ReadAuditChain().Single(e => e.Seq == 3) with { Actor = "mallory", PrevHash = second.Hash };
        forged = forged with { Hash = AuditChain.ComputeHash(forged) };
        Tamper($"UPDATE audit_log SET actor = 'mallory', hash = '{forged.Hash}' WHERE seq = 3");
        Assert.True(AuditChain.Verify(store.ReadAuditChain(), new AuditHead(2, second.Hash)).Intact); // the chain alone cannot tell

        var result = store.VerifyAuditChain();
        Assert.Equal(3, result.FirstBrokenSeq);
        Assert.Contains("head anchor", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_anchor_is_reported_and_never_written_again_from_the_chain()
    {
        store.AppendAudit(Event("action.1"));
        store.AppendAudit(Event("action.2"));
        File.Delete(AnchorPath);

        var missing = store.VerifyAuditChain();
        Assert.False(missing.Intact);
        Assert.Contains("audit.head", missing.Problem, StringComparison.Ordinal);

        Assert.False(store.CheckAuditAtStartup().Intact);
        store.AppendAudit(Event("action.3"));
        Assert.False(File.Exists(AnchorPath));
        Assert.NotNull(store.AuditAnchorProblem);
        Assert.False(store.VerifyAuditChain().Intact);
    }

    [Fact]
    public void Every_head_carries_the_one_before_it()
    {
        var entries = Enumerable.Range(1, 3).Select(i => store.AppendAudit(Event($"action.{i}"))).ToList();

        string[] lines = File.ReadAllLines(AnchorPath);
        Assert.Equal($"1 {entries[0].Hash} 0 {AuditChain.Genesis}", lines[0]);
        Assert.Equal($"2 {entries[1].Hash} 1 {entries[0].Hash}", lines[1]);
        Assert.Equal($"3 {entries[2].Hash} 2 {entries[1].Hash}", lines[2]);
    }

    [Fact]
    public void A_head_log_with_a_line_removed_is_reported()
    {
        for (int i = 1; i <= 4; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        var lines = File.ReadAllLines(AnchorPath).ToList();
        lines.RemoveAt(1);
        File.WriteAllLines(AnchorPath, lines);

        var result = store.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Contains("line 2 of the head log (audit.head) does not follow the line before it", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_chain_in_place_of_the_old_one_never_advances_the_anchor_however_long_it_grows()
    {
        for (int i = 1; i <= 3; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        string anchored = File.ReadAllText(AnchorPath);
        SqliteConnection.ClearAllPools();
        foreach (string part in new[] { "meta.db", "meta.db-wal", "meta.db-shm" })
        {
            File.Delete(Path.Combine(directory.Path, part));
        }

        var fresh = new MetadataStore(Path.Combine(directory.Path, "meta.db"));
        Assert.False(fresh.CheckAuditAtStartup().Intact);
        for (int i = 1; i <= 10; i++)
        {
            fresh.AppendAudit(Event($"new.{i}"));
        }

        Assert.Equal(anchored, File.ReadAllText(AnchorPath));
        var result = fresh.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Equal(1, result.FirstBrokenSeq);
        Assert.Contains("is not the entry the head anchor", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Reanchoring_records_the_loss_and_the_anchor_advances_again()
    {
        for (int i = 1; i <= 5; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        Tamper("DELETE FROM audit_log WHERE seq >= 4");
        Assert.False(store.CheckAuditAtStartup().Intact);

        var before = store.Reanchor("cli", "audit.reanchored");
        Assert.False(before.Intact);
        var entry = store.ReadAuditChain().Last();
        Assert.Equal("audit.reanchored", entry.Action);
        Assert.Contains("entries 4 to 5 are missing", entry.Details, StringComparison.Ordinal);

        store.AppendAudit(Event("after"));
        var after = store.VerifyAuditChain();
        Assert.True(after.Intact, after.Problem);
        Assert.Equal(entry.Seq, after.ReanchoredAt);
        Assert.True(store.CheckAuditAtStartup().Intact);
    }

    [Fact]
    public void A_row_with_an_impossible_time_is_reported_as_altered_not_thrown()
    {
        for (int i = 1; i <= 3; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        Tamper("UPDATE audit_log SET at = 9223372036854775807 WHERE seq = 2");

        var result = store.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBrokenSeq);
    }

    [Fact]
    public void Swapped_entries_are_found()
    {
        for (int i = 1; i <= 4; i++)
        {
            store.AppendAudit(Event($"action.{i}"));
        }

        Tamper("UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -2;");

        var result = store.VerifyAuditChain();
        Assert.False(result.Intact);
        Assert.Equal(2, result.FirstBrokenSeq);
    }

    [Fact]
    public void Queries_are_scoped_to_one_org_filtered_and_paged_newest_first()
    {
        for (int i = 1; i <= 7; i++)
        {
            store.AppendAudit(Event(i % 2 == 0 ? "key.created" : "auth.login") with { OrgId = 1 });
        }

        store.AppendAudit(Event("auth.login") with { OrgId = 2 });

        var page = store.QueryAudit(new AuditQuery { OrgId = 1, Action = "auth.", PageSize = 2, Page = 2 });
        Assert.Equal(4, page.Total);
        Assert.Equal([3L, 1], page.Entries.Select(e => e.Seq));
        Assert.Equal(3, store.QueryAudit(new AuditQuery { OrgId = 1, Action = "key.created" }).Total);
        Assert.Equal(1, store.QueryAudit(new AuditQuery { OrgId = 2 }).Total);
    }

    private static AuditEvent Event(string action) => new()
    {
        At = DateTime.UtcNow,
        Actor = "alice@example.com",
        OrgId = 1,
        Action = action,
        Target = "obs_abc",
        Ip = "192.0.2.1",
        UserAgent = "tests",
        Outcome = "success",
    };

    private string AnchorPath => Path.Combine(directory.Path, "audit.head");

    private SqliteConnection Raw()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "meta.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>What an attacker with the file would do: drop the guard triggers, then change rows.</summary>
    private void Tamper(string sql)
    {
        using var connection = Raw();
        Exec(connection, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
        Exec(connection, sql);
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}

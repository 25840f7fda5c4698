using System.Net;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Tests.Audit;

/// <summary>
/// Tamper detection through the real executable: `AegisGuard audit verify --data DIR` exits 0 on the log written by
/// real sign-ins and key operations, and non-zero naming the first broken entry after a row is edited or deleted
/// with a raw SQLite connection (guard triggers dropped first, as an attacker would).
/// </summary>
public sealed class AuditVerifyCommandTests
{
    [Fact]
    public Task Verify_passes_on_an_untouched_log_and_names_the_entry_that_was_edited() => WithHistoryAsync(async dataDir =>
    {
        var intact = await AppProcess.RunCliAsync("audit", "verify", "--data", dataDir);
        Assert.True(intact.ExitCode == 0, intact.Stderr + intact.Stdout);
        Assert.Contains("intact", intact.Stdout, StringComparison.Ordinal);

        Tamper(dataDir, "UPDATE audit_log SET outcome = 'success', actor = 'nobody' WHERE seq = 3");

        var broken = await AppProcess.RunCliAsync("audit", "verify", "--data", dataDir);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Contains("entry 3", broken.Stderr, StringComparison.Ordinal);
    });

    [Theory]
    [InlineData("DELETE FROM audit_log WHERE seq = 2", "entry 2 is missing")]
    [InlineData("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", @"entry \d+ is missing: the head anchor \(audit\.head\) records entry \d+")]
    public Task Verify_names_the_entry_that_was_deleted_in_the_middle_or_at_the_end(string delete, string expected) => WithHistoryAsync(async dataDir =>
    {
        Tamper(dataDir, delete);

        var broken = await AppProcess.RunCliAsync("audit", "verify", "--data", dataDir);
        Assert.NotEqual(0, broken.ExitCode);
        Assert.Matches(expected, broken.Stderr);
    });

    [Fact]
    public async Task Verify_without_a_data_directory_is_a_usage_error()
    {
        using var empty = new TempDirectory();
        var result = await AppProcess.RunCliAsync("audit", "verify", "--data", empty.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("meta.db", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task WithHistoryAsync(Func<string, Task> test)
    {
        string dataDir = await RecordSomeHistoryAsync();
        try
        {
            await test(dataDir);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// Runs the app on a fresh directory and produces audit entries through HTTP; then copies meta.db (its WAL and the
    /// audit head anchor) to a directory of the test's own, as a backup would, while nothing is being written.
    /// </summary>
    private static async Task<string> RecordSomeHistoryAsync()
    {
        string dataDir = Path.Combine(Path.GetTempPath(), "aegis-tests", "audit-" + Guid.NewGuid().ToString("N"));
        using (var factory = IdentityApp.NewFactory())
        {
            var admin = await IdentityApp.AdminAsync(factory);
            await Json.ProblemAsync(await new SessionClient(factory).LoginAsync("admin@aegis.local", "Wrong-Password-1"), HttpStatusCode.Unauthorized);
            var key = await Json.StatusAsync(await admin.PostAsync("/api/keys", Bodies.Key("k", "ingest")), HttpStatusCode.Created);
            await Json.OkAsync(await admin.PostAsync($"/api/keys/{key.GetProperty("id").GetString()}/revoke"));
            Assert.True((await IdentityApp.AuditAsync(admin)).Count >= 5);

            Directory.CreateDirectory(dataDir);
            foreach (string name in (string[])["meta.db", "meta.db-wal", "audit.head"])
            {
                string source = Path.Combine(factory.DataDir, name);
                if (File.Exists(source))
                {
                    using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var to = File.Create(Path.Combine(dataDir, name));
                    from.CopyTo(to);
                }
            }
        }

        SqliteConnection.ClearAllPools();
        return dataDir;
    }

    private static void Tamper(string dataDir, string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "meta.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }
}

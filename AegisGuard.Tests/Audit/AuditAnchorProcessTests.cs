using System.Text.Json;
using AegisGuard.Tests.Support;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Tests.Audit;

/// <summary>
/// The audit anchor cannot be laundered, proven through the real executable: the first start creates it, a normal
/// restart stays intact, deleting audit.head with the newest rows is detected at start-up and never rewritten, and a
/// deleted meta.db is refused while `audit verify` never calls the lost history intact.
/// </summary>
public sealed class AuditAnchorProcessTests
{
    [Fact]
    public async Task The_first_start_creates_the_anchor_and_a_normal_restart_stays_intact()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path))
        {
            Assert.True(File.Exists(Path.Combine(data.Path, "audit.head")));
            await AppProcess.CreateKeyAsync(data.Path);
            await AppProcess.CreateKeyAsync(data.Path);
            Assert.Equal(0, await app.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        using (var again = await AppProcess.StartAsync(data.Path))
        {
            Assert.Null(await AuditWarningAsync(again));
            await AppProcess.CreateKeyAsync(data.Path);
        }

        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);
        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Contains("intact", verify.Stdout, StringComparison.Ordinal);
        Assert.True(File.ReadAllLines(Path.Combine(data.Path, "audit.head")).Length >= 3);
    }

    [Fact]
    public async Task Deleting_the_anchor_and_the_newest_rows_is_found_at_start_up_and_the_anchor_is_not_rewritten()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path))
        {
            for (int i = 0; i < 4; i++)
            {
                await AppProcess.CreateKeyAsync(data.Path);
            }
        }

        File.Delete(Path.Combine(data.Path, "audit.head"));
        Sql(data.Path, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 2");

        using (var app = await AppProcess.StartServingAsync(data.Path))
        {
            string? reason = await AuditWarningAsync(app);
            Assert.NotNull(reason);
            Assert.Contains("the head anchor (audit.head beside meta.db) is missing", reason, StringComparison.Ordinal);
            Assert.Contains("audit verify", reason, StringComparison.Ordinal);
            Assert.Contains("AUDIT LOG BROKEN", app.Output, StringComparison.Ordinal);
            await AppProcess.CreateKeyAsync(data.Path); // new entries are recorded, the anchor is not rebuilt under them
            Assert.False(File.Exists(Path.Combine(data.Path, "audit.head")));
        }

        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("BROKEN", verify.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("intact", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_meta_db_is_refused_even_when_only_the_anchor_remembers_the_history_and_verify_never_says_intact()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path))
        {
            await AppProcess.CreateKeyAsync(data.Path);
        }

        // Everything but the anchor that shows the directory was used: meta.db, its key ring, marker, manifest and log.
        foreach (string entry in Directory.EnumerateFileSystemEntries(data.Path).Where(e => Path.GetFileName(e) != "audit.head").ToList())
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        var serve = await AppProcess.RunCliAsync("serve", "--urls", AppProcess.FreeUrl(), "--data", data.Path);
        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);
        foreach (var (exit, stdout, stderr) in new[] { serve, verify })
        {
            Assert.True(exit == 1, $"exit {exit}: {stdout} {stderr}");
            Assert.Contains("audit.head records the audit log's history", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("intact", stdout, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(data.Path, "meta.db")));
    }

    [Fact]
    public async Task Verify_of_a_row_edited_into_an_impossible_value_exits_1_with_one_line_and_no_stack_trace()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path))
        {
            await AppProcess.CreateKeyAsync(data.Path);
            await AppProcess.CreateKeyAsync(data.Path);
        }

        Sql(data.Path, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET at = 9223372036854775807 WHERE seq = 1");

        var verify = await AppProcess.RunCliAsync("audit", "verify", "--data", data.Path);
        Assert.Equal(1, verify.ExitCode);
        Assert.StartsWith("Audit log BROKEN at entry 1: entry 1 was altered", verify.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", verify.Stdout + verify.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instance_entries_such_as_unknown_keys_are_listed_by_the_cli()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path, "--Aegis:Audit:RefusalWindow=00:00:00.200"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Url) };
            var refused = await new SignedClient(http, "obs_nosuchkey", "secret").PostAsync("/v1/logs", """{"logs":[{"message":"x"}]}""");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            var listed = await Poll.UntilAsync(() => AppProcess.RunCliAsync("audit", "list", "--instance", "--json", "--data", data.Path),
                r => r.Stdout.Contains("obs_nosuchkey", StringComparison.Ordinal), what: "the instance entry");
            using var json = JsonDocument.Parse(listed.Stdout);
            var entry = json.RootElement.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("action").GetString() == "refused.api_key");
            Assert.Equal("unknown_key", entry.GetProperty("details").GetProperty("reason").GetString());
            Assert.Equal(1, entry.GetProperty("details").GetProperty("count").GetInt64());
        }
    }

    [Fact]
    public async Task Past_the_bucket_bound_refusals_are_counted_in_one_overflow_entry_and_shutdown_flushes_the_window()
    {
        using var data = new TempDirectory();
        using (var app = await AppProcess.StartAsync(data.Path, "--Aegis:Audit:RefusalWindow=00:10:00", "--Aegis:Audit:MaxRefusalBuckets=5"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Url) };
            for (int i = 0; i < 20; i++)
            {
                var refused = await new SignedClient(http, $"obs_unknown{i}", "secret").PostAsync("/v1/logs", """{"logs":[{"message":"x"}]}""");
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            Assert.Equal(0, await app.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        var listed = await AppProcess.RunCliAsync("audit", "list", "--instance", "--json", "--data", data.Path);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        using var json = JsonDocument.Parse(listed.Stdout);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(5, entries.Count(e => e.GetProperty("action").GetString() == "refused.api_key"));
        var overflow = Assert.Single(entries, e => e.GetProperty("action").GetString() == "refused.overflow");
        Assert.Equal(15, overflow.GetProperty("details").GetProperty("count").GetInt64());
    }

    private static async Task<string?> AuditWarningAsync(AppProcess app)
    {
        using var http = new HttpClient();
        string body = await (await http.GetAsync(app.Url + "/healthz")).Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var warning = json.RootElement.GetProperty("warnings").EnumerateArray().FirstOrDefault(w => w.GetProperty("component").GetString() == "audit");
        return warning.ValueKind == JsonValueKind.Object ? warning.GetProperty("reason").GetString() : null;
    }

    private static void Sql(string dataDir, string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "meta.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
    }
}

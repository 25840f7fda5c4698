using System.Net;
using System.Text.Json;
using AegisGuard.Identity.Users;
using AegisGuard.Tests.Identity.Support;
using AegisGuard.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Tests.Hosting;

/// <summary>
/// meta.db becoming unreadable while the appliance runs: requests that need it answer 503 problem+json (not 500, no
/// stack trace) and /healthz turns not ready with a <c>metadata</c> condition naming the file and the remedy.
/// </summary>
public sealed class MetadataDamageTests
{
    [Fact]
    public async Task Sign_in_on_a_meta_db_damaged_while_running_answers_503_and_health_names_the_file()
    {
        using var factory = IdentityApp.NewFactory();
        var client = new SessionClient(factory);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword)).StatusCode);

        DamageEveryPageButTheHeader(Path.Combine(factory.DataDir, "meta.db"));

        using var login = await new SessionClient(factory).LoginAsync(UserService.FirstAdminEmail, UserService.FirstAdminPassword);
        string body = await login.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
        Assert.Equal("application/problem+json", login.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(login.Headers.RetryAfter);
        using (var problem = JsonDocument.Parse(body))
        {
            Assert.Equal("metadata_damaged", problem.RootElement.GetProperty("error").GetString());
        }

        Assert.DoesNotContain("SqliteException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);

        using var health = await factory.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var metadata = report.RootElement.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("component").GetString() == "metadata");
        string reason = metadata.GetProperty("reason").GetString()!;
        Assert.Contains(Path.Combine(factory.DataDir, "meta.db"), reason, StringComparison.Ordinal);
        Assert.Contains(".recover", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damage_in_the_audit_log_is_found_after_start_and_makes_the_appliance_not_ready()
    {
        using var dir = new TempDirectory();
        string metaDb = Path.Combine(dir.Path, "meta.db");
        using (var first = Factory(dir.Path))
        {
            using var ready = await first.CreateClient().GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        SqliteConnection.ClearAllPools();
        long root;
        using (var connection = new SqliteConnection($"Data Source={metaDb};Pooling=False"))
        {
            connection.Open();
            using (var checkpoint = connection.CreateCommand())
            {
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                checkpoint.ExecuteNonQuery();
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_log'";
            root = (long)command.ExecuteScalar()!;
        }

        using (var file = new FileStream(metaDb, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = (root - 1) * 4096;
            file.Write(Enumerable.Repeat((byte)0xEE, 4096).ToArray());
        }

        // Start-up checks the small tables only: it comes up, then the whole-file check finds the damage.
        using var second = Factory(dir.Path);
        var client = second.CreateClient();
        var health = await Poll.UntilAsync(
            async () =>
            {
                using var response = await client.GetAsync("/healthz");
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            },
            answer => answer.StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(30),
            "the whole-file check to report meta.db");
        using var report = JsonDocument.Parse(health.Body);
        string reason = report.RootElement.GetProperty("problems").EnumerateArray()
            .Single(p => p.GetProperty("component").GetString() == "metadata").GetProperty("reason").GetString()!;
        Assert.StartsWith($"{metaDb}: is damaged (SQLite: ", reason, StringComparison.Ordinal);
        Assert.Contains(".recover", reason, StringComparison.Ordinal);
    }

    private static WebApplicationFactory<Program> Factory(string dataDir) => new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
        .UseSetting("Aegis:DataDir", dataDir)
        .UseSetting("Aegis:MetadataCheckDelay", "00:00:00")
        .UseSetting("Logging:LogLevel:Default", "Warning"));

    private static void DamageEveryPageButTheHeader(string path)
    {
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }

        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            var garbage = new byte[4096];
            new Random(11).NextBytes(garbage);
            for (long offset = 4096; offset < file.Length; offset += garbage.Length)
            {
                file.Position = offset;
                file.Write(garbage);
            }
        }

        // The app's pooled connections cache pages they already read; new ones read what is on disk now.
        SqliteConnection.ClearAllPools();
    }
}

using System.Text.Json;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Processes;

/// <summary>The executable's key verbs as a user types them.</summary>
[Trait("Category", "Process")]
public sealed class CliTests
{
    [Fact]
    public async Task Keys_create_prints_id_and_secret_as_json_and_the_secret_is_not_stored_in_plain_text()
    {
        using var data = new TempDirectory();
        var (exit, stdout, _) = await AppProcess.RunCliAsync("keys", "create", "--org", "default", "--name", "ci", "--scopes", "ingest,read", "--json", "--data", data.Path);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        string id = json.RootElement.GetProperty("id").GetString()!;
        string secret = json.RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("obs_", id, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40);

        byte[] database = await ReadAllSharedAsync(Path.Combine(data.Path, "meta.db"));
        byte[] wal = File.Exists(Path.Combine(data.Path, "meta.db-wal")) ? await ReadAllSharedAsync(Path.Combine(data.Path, "meta.db-wal")) : [];
        string raw = System.Text.Encoding.Latin1.GetString([.. database, .. wal]);
        Assert.Contains(id, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);

        var (listExit, listed, _) = await AppProcess.RunCliAsync("keys", "list", "--org", "default", "--json", "--data", data.Path);
        Assert.Equal(0, listExit);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys", "create", "--org", "default", "--scopes", "ingest")]
    [InlineData("keys", "create", "--org", "default", "--name", "x", "--scopes", "write")]
    [InlineData("keys", "frobnicate", "--org", "default")]
    [InlineData("launch")]
    public async Task Bad_command_lines_explain_themselves_and_exit_2(params string[] args)
    {
        using var data = new TempDirectory();
        var (exit, _, stderr) = await AppProcess.RunCliAsync([.. args, "--data", data.Path]);

        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public async Task Keys_create_for_an_unknown_org_fails_with_a_message()
    {
        using var data = new TempDirectory();
        var (exit, _, stderr) = await AppProcess.RunCliAsync("keys", "create", "--org", "nope", "--name", "x", "--data", data.Path);

        Assert.Equal(1, exit);
        Assert.Contains("no org 'nope'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orgs_create_makes_an_org_that_keys_can_then_be_created_for()
    {
        using var data = new TempDirectory();
        var (exit, stdout, stderr) = await AppProcess.RunCliAsync("orgs", "create", "--slug", "acme", "--name", "Acme Corp", "--json", "--data", data.Path);
        Assert.True(exit == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            Assert.Equal("acme", json.RootElement.GetProperty("slug").GetString());
        }

        var (again, _, duplicate) = await AppProcess.RunCliAsync("orgs", "create", "--slug", "acme", "--data", data.Path);
        var (bad, _, badSlug) = await AppProcess.RunCliAsync("orgs", "create", "--slug", "Not A Slug", "--data", data.Path);
        var (keyExit, key, _) = await AppProcess.RunCliAsync("keys", "create", "--org", "acme", "--name", "k", "--json", "--data", data.Path);
        var (_, listed, _) = await AppProcess.RunCliAsync("orgs", "list", "--data", data.Path);

        Assert.Equal(1, again);
        Assert.Contains("already exists", duplicate, StringComparison.Ordinal);
        Assert.Equal(2, bad);
        Assert.Contains("--slug", badSlug, StringComparison.Ordinal);
        Assert.Equal(0, keyExit);
        Assert.StartsWith("{\"id\":\"obs_", key, StringComparison.Ordinal);
        Assert.Contains("acme", listed, StringComparison.Ordinal);
        Assert.Contains("default", listed, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadAllSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

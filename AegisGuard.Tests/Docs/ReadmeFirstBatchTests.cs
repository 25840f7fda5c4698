using System.Diagnostics;
using System.Text.RegularExpressions;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Docs;

/// <summary>
/// The README's "Send a first signed batch" commands, taken from README.md itself and run with bash, openssl and curl
/// against a started appliance: only the placeholders (key id, secret, address, data directory) are filled in.
/// </summary>
[Trait("Category", "Process")]
public sealed partial class ReadmeFirstBatchTests
{
    [Fact]
    public async Task The_readmes_key_batch_and_read_back_commands_work_as_printed()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "README.md"));
        var blocks = BashBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        string keyCommand = blocks.Single(b => b.Contains(" keys create ", StringComparison.Ordinal)).Split('\n')[0];
        string send = blocks.Single(b => b.Contains("x-signature: sha256=$SIGNATURE", StringComparison.Ordinal));
        string readBack = blocks.Single(b => b.Contains("Authorization: Bearer obs_your_org_prefix.$ORG_SECRET", StringComparison.Ordinal));
        using var data = new TempDirectory();
        using var app = await AppProcess.StartAsync(data.Path);

        // The key: the README's CLI arguments (after "--"), with its data directory.
        var arguments = keyCommand[(keyCommand.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a == "\"$PWD/data\"" ? data.Path : a).ToArray();
        var (exit, stdout, stderr) = await AppProcess.RunCliAsync(arguments);
        Assert.True(exit == 0, $"keys create failed ({exit}): {stderr}");
        using var key = System.Text.Json.JsonDocument.Parse(stdout);
        string id = key.RootElement.GetProperty("id").GetString()!, secret = key.RootElement.GetProperty("secret").GetString()!;
        string Fill(string script) => script
            .Replace("your-org-secret", secret, StringComparison.Ordinal)
            .Replace("obs_your_org_prefix", id, StringComparison.Ordinal)
            .Replace("http://localhost:5080", app.Url, StringComparison.Ordinal);

        var sent = await BashAsync(Fill(send));
        Assert.Contains("\"accepted\":1", sent, StringComparison.Ordinal);

        // The read-back block uses the ORG_SECRET the first block set, as a reader's shell would have it.
        string secretLine = send.Split('\n').Single(l => l.StartsWith("ORG_SECRET=", StringComparison.Ordinal));
        string answer = await Poll.UntilAsync(() => BashAsync(Fill(secretLine + "\n" + readBack)),
            body => body.Contains("Database connection failed", StringComparison.Ordinal), what: "the README's batch read back");
        Assert.Contains("\"level\":\"error\"", answer, StringComparison.Ordinal);
    }

    private static async Task<string> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        string stdout = await process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"bash exited with {process.ExitCode}: {stderr}\n{script}");
        return stdout;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AegisGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AegisGuard.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}

using AegisGuard.Hosting;
using AegisGuard.Identity;
using AegisGuard.Pages.AppShell;
using AegisGuard.Storage;
using AegisGuard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Cli;

/// <summary>Dispatches the executable's verbs: <c>serve</c> (default), <c>keys</c>, <c>orgs</c>, <c>users</c> and <c>audit</c>.</summary>
public static class CommandLine
{
    public const string Usage = """
        AegisGuard — self-hosted observability and security appliance

        Usage:
          AegisGuard [serve] [--urls <url>] [--data <dir>]     run the appliance (default data dir: ./data, or AEGIS_DATA_DIR)
          AegisGuard keys create --org <slug> --name <name> --scopes ingest,read [--json] [--data <dir>]
          AegisGuard keys list --org <slug> [--json] [--data <dir>]
          AegisGuard keys revoke --org <slug> --id <obs_…> [--data <dir>]
          AegisGuard orgs create --slug <slug> [--name <name>] [--owner <email>] [--json] [--data <dir>]
                                                               --owner invites the org's OWNER (prints the link once)
          AegisGuard orgs list [--json] [--data <dir>]
          AegisGuard audit verify [--data <dir>]              check the audit log's hash chain and head log (exit 1 names the first break)
          AegisGuard audit list (--org <slug> | --instance) [--limit <n>] [--json] [--data <dir>]
          AegisGuard audit reanchor [--data <dir>]            after a break no backup repairs: record the loss, anchor anew
          AegisGuard users instance-admin --email <email> --grant|--revoke [--data <dir>]
          AegisGuard users instance-admin --list [--data <dir>]
          AegisGuard --version                                  print the version, the source revision and the runtime
          AegisGuard --help
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
        try
        {
            switch (verb)
            {
                case "keys":
                    return KeysCommand.Run(args[1..], Console.Out, Console.Error);
                case "orgs":
                    return OrgsCommand.Run(args[1..], Console.Out, Console.Error);
                case "users":
                    return UsersCommand.Run(args[1..], Console.Out, Console.Error);
                case "audit":
                    return AuditCommand.Run(args[1..], Console.Out, Console.Error);
                case "help":
                    await Console.Out.WriteLineAsync(Usage);
                    return 0;
                case "serve":
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown command '{verb}'.\n\n{Usage}");
                    return 2;
            }

            if (args.Length > 0 && args[0] is "--version" or "-v")
            {
                await Console.Out.WriteLineAsync(VersionLine());
                return 0;
            }

            if (args.Length > 0 && args[0] is "--help" or "-h")
            {
                await Console.Out.WriteLineAsync(Usage);
                return 0;
            }

            await using var app = AegisHost.Build(args.Length > 0 && args[0] == "serve" ? args[1..] : args);
            AegisHost.Initialize(app);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (Explain(ex) is { } message)
        {
            // One line a person (or a supervisor's log) can act on; the details are not theirs to debug.
            await Console.Error.WriteLineAsync(verb == "serve" ? $"AegisGuard refused to start: {message}" : $"{verb}: {message}");
            return 1;
        }
    }

    /// <summary>What <c>--version</c> prints: product, version, source revision, runtime and platform.</summary>
    internal static string VersionLine() =>
        $"{ProductInfo.Name} {ProductInfo.Version}" +
        (ProductInfo.Revision is { } revision ? $" ({revision})" : "") +
        $" {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}";

    /// <summary>The message for a failure that is the data directory's state, not a bug; null for anything else.</summary>
    internal static string? Explain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case StartupRefusedException refusal:
                    return refusal.Message;
                case KeyRingUnavailableException keyRing:
                    return $"{keyRing.Message}. Restore data/keys from the backup taken with meta.db.";
                case SqliteException sqlite when SqliteDatabase.IsDamage(sqlite):
                    return $"a database of the data directory is damaged (SQLite: {sqlite.Message.TrimEnd('.')}). Restore meta.db from a backup, " +
                        "or salvage it with sqlite3 meta.db \".recover\" | sqlite3 recovered.db.";
                case SqliteException sqlite:
                    return $"the data directory's database cannot be used (SQLite: {sqlite.Message.TrimEnd('.')}).";
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    return aggregate.InnerExceptions.Select(Explain).FirstOrDefault(m => m is not null);
            }
        }

        return null;
    }
}

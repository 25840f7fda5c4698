using AegisGuard.Hosting;
using AegisGuard.Storage;

namespace AegisGuard.Cli;

/// <summary>Dispatches the executable's verbs: <c>serve</c> (default), <c>keys</c>, <c>orgs</c> and <c>audit</c>.</summary>
public static class CommandLine
{
    public const string Usage = """
        AegisGuard — self-hosted observability and security appliance

        Usage:
          AegisGuard [serve] [--urls <url>] [--data <dir>]     run the appliance (default data dir: ./data, or AEGIS_DATA_DIR)
          AegisGuard keys create --org <slug> --name <name> --scopes ingest,read [--json] [--data <dir>]
          AegisGuard keys list --org <slug> [--json] [--data <dir>]
          AegisGuard keys revoke --org <slug> --id <obs_…> [--data <dir>]
          AegisGuard orgs create --slug <slug> [--name <name>] [--json] [--data <dir>]
          AegisGuard orgs list [--json] [--data <dir>]
          AegisGuard audit verify [--data <dir>]              check the audit log's hash chain (exit 1 names the first broken entry)
          AegisGuard --help
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0)
        {
            switch (args[0])
            {
                case "keys":
                    return KeysCommand.Run(args[1..], Console.Out, Console.Error);
                case "orgs":
                    return OrgsCommand.Run(args[1..], Console.Out, Console.Error);
                case "audit":
                    return AuditCommand.Run(args[1..], Console.Out, Console.Error);
                case "--help" or "-h" or "help":
                    await Console.Out.WriteLineAsync(Usage);
                    return 0;
                case "serve":
                    args = args[1..];
                    break;
                case var verb when !verb.StartsWith('-'):
                    await Console.Error.WriteLineAsync($"Unknown command '{verb}'.\n\n{Usage}");
                    return 2;
            }
        }

        try
        {
            var app = AegisHost.Build(args);
            // Open the stores before the host starts, so a refusal is one clear line and not a hosting failure with a trace.
            AegisHost.OpenStores(app.Services);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (RefusalIn(ex) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal.Message);
            return 1;
        }
    }

    /// <summary>The refusal to start inside <paramref name="exception"/> (DI and hosting wrap what they run), if any.</summary>
    private static StartupRefusedException? RefusalIn(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is StartupRefusedException refusal)
            {
                return refusal;
            }

            if (ex is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(RefusalIn).FirstOrDefault(r => r is not null);
            }
        }

        return null;
    }
}

namespace AegisGuard.Hosting;

/// <summary>Where the data directory is: <c>--data</c>, else <c>AEGIS_DATA_DIR</c>, else <c>Aegis:DataDir</c>, else ./data.</summary>
public static class DataDirResolver
{
    private const string Key = $"{AegisOptions.Section}:DataDir";

    /// <summary>Adds <c>AEGIS_DATA_DIR</c> and then <c>--data</c> as configuration sources (later wins).</summary>
    public static void AddDataDirSources(IConfigurationBuilder configuration, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? fromEnvironment = Environment.GetEnvironmentVariable("AEGIS_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(Key, fromEnvironment)]);
        }

        string? fromArgs = FromArgs(args);
        if (fromArgs is not null)
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(Key, fromArgs)]);
        }
    }

    /// <summary>The data directory for a process without a web host (the CLI).</summary>
    public static string Resolve(string[] args)
    {
        var configuration = new ConfigurationBuilder();
        AddDataDirSources(configuration, args);
        return configuration.Build()[Key] ?? "./data";
    }

    private static string? FromArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--data" && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--data=", StringComparison.Ordinal))
            {
                return args[i]["--data=".Length..];
            }
        }

        return null;
    }
}

namespace AegisGuard.Load;

/// <summary>The scenarios this executable knows; a new scenario is one <see cref="IScenario"/> class plus one line here.</summary>
internal static class ScenarioCatalog
{
    public const string IngestLogs = "ingest-logs";

    private static readonly (string Name, string Description)[] Entries =
    [
        (IngestLogs, "signed log ingestion: POST /v1/logs, ack latency, optional end-to-end visibility"),
    ];

    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    public static IEnumerable<(string Name, string Description)> Describe() => Entries;

    public static bool IsKnown(string name) => Entries.Any(e => e.Name == name);

    public static IScenario Create(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output) => options.Scenario switch
    {
        IngestLogs => new LogIngestScenario(options, client, time, output),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Scenario, "unknown scenario"),
    };
}

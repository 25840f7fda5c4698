namespace AegisGuard.Load;

/// <summary>The scenarios this executable knows; a new scenario is one <see cref="IScenario"/> class plus one line here.</summary>
internal static class ScenarioCatalog
{
    public const string IngestLogs = "ingest-logs";
    public const string LogsDataset = "logs-dataset";
    public const string LogsQuery = "logs-query";
    public const string TracesDataset = "traces-dataset";

    private static readonly (string Name, string Description)[] Entries =
    [
        (IngestLogs, "signed log ingestion: POST /v1/logs, ack latency, optional end-to-end visibility"),
        (LogsDataset, "loads --events realistic logs over the past --span through POST /v1/logs, waits until queryable"),
        (LogsQuery, "LogQL-lite latency: the four queries of issue #4 via GET /api/logs/query, p50/p95 each"),
        (TracesDataset, "loads --events spans of realistic traces over the past --span via POST /v1/traces, then trace-by-id, search and map latency"),
    ];

    public static IEnumerable<string> Names => Entries.Select(e => e.Name);

    public static IEnumerable<(string Name, string Description)> Describe() => Entries;

    public static bool IsKnown(string name) => Entries.Any(e => e.Name == name);

    public static IScenario Create(LoadOptions options, HttpClient client, TimeProvider time, TextWriter output) => options.Scenario switch
    {
        IngestLogs => new LogIngestScenario(options, client, time, output),
        LogsDataset => new LogDatasetScenario(options, client, time, output),
        LogsQuery => new LogQueryScenario(options, client, time, output),
        TracesDataset => new TraceDatasetScenario(options, client, time, output),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Scenario, "unknown scenario"),
    };
}

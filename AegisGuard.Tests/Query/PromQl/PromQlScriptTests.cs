namespace AegisGuard.Tests.Query.PromQl;

/// <summary>
/// Every script under testdata/ (promqltest style) passes against the engine over the in-memory store, with rollups
/// allowed (aligned range functions read buckets) and with raw samples forced.
/// </summary>
public sealed class PromQlScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Query", "PromQl", "testdata"), "*.test").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public Task Script_evaluates_as_Prometheus_does(string script) =>
        PromQlTestScript.RunAsync(Path.Combine(AppContext.BaseDirectory, "Query", "PromQl", "testdata", script));

    [Theory]
    [MemberData(nameof(Scripts))]
    public Task Script_evaluates_as_Prometheus_does_from_raw_samples_only(string script) =>
        PromQlTestScript.RunAsync(Path.Combine(AppContext.BaseDirectory, "Query", "PromQl", "testdata", script), useRollups: false);
}

namespace AegisGuard.Tests.Storage.Metrics;

/// <summary>One sample given to a metric store under test (a histogram when <see cref="Bounds"/> is set: cumulative counts).</summary>
public sealed record MetricSeed(int OrgId, string Name, string Type, IReadOnlyDictionary<string, string> Labels, long TimeMs, double Value)
{
    public double[]? Bounds { get; init; }

    public long[]? BucketCounts { get; init; }

    public long? Count { get; init; }

    public static MetricSeed Gauge(string name, long timeMs, double value, params (string Name, string Value)[] labels) =>
        new(1, name, "gauge", labels.ToDictionary(l => l.Name, l => l.Value), timeMs, value);

    public static MetricSeed Counter(string name, long timeMs, double value, params (string Name, string Value)[] labels) =>
        new(1, name, "counter", labels.ToDictionary(l => l.Name, l => l.Value), timeMs, value);
}

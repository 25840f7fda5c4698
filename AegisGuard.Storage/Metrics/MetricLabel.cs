namespace AegisGuard.Storage.Metrics;

/// <summary>One label of a series; a series' labels are sorted by name and include <c>__name__</c>.</summary>
/// <param name="Name">Label name.</param>
/// <param name="Value">Label value (never empty: an empty value means the label is absent, as in Prometheus).</param>
public readonly record struct MetricLabel(string Name, string Value);

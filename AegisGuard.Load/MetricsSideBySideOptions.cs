namespace AegisGuard.Load;

/// <summary>The command line of <see cref="MetricsSideBySide"/>.</summary>
internal sealed record MetricsSideBySideOptions
{
    /// <summary>End of the generated span (unix ms); both invocations (OpenMetrics file, then the run) must pass the same.</summary>
    public required long EndMs { get; init; }

    /// <summary>When set, only writes the samples as OpenMetrics text to this file and exits.</summary>
    public string? OpenMetricsFile { get; init; }

    public Uri? Url { get; init; }

    public Uri? Prometheus { get; init; }

    public string KeyId { get; init; } = "";

    public string Secret { get; init; } = "";

    public TimeSpan Span { get; init; } = TimeSpan.FromHours(24);

    public int Senders { get; init; } = 8;

    public int Batch { get; init; } = 5000;

    public int Iterations { get; init; } = 20;

    /// <summary>How long to wait, after the last 202, for every sample to be queryable.</summary>
    public TimeSpan VisibleTimeout { get; init; } = TimeSpan.FromMinutes(20);
}

namespace AegisGuard.Storage.Traces;

/// <summary>Calls from one service to another: child spans of <see cref="Callee"/> whose parent belongs to <see cref="Caller"/>.</summary>
public sealed record ServiceEdgeStats
{
    /// <summary>The parent spans' service.</summary>
    public required string Caller { get; init; }

    /// <summary>The child spans' service.</summary>
    public required string Callee { get; init; }

    /// <summary>Child spans.</summary>
    public required long CallCount { get; init; }

    /// <summary>Child spans of status error.</summary>
    public required long ErrorCount { get; init; }

    /// <summary>Median child duration (µs).</summary>
    public required double P50Micros { get; init; }

    /// <summary>95th percentile child duration (µs).</summary>
    public required double P95Micros { get; init; }

    /// <summary>99th percentile child duration (µs).</summary>
    public required double P99Micros { get; init; }
}

namespace AegisGuard.Storage.Telemetry;

/// <summary>One normalised metric sample as it is stored in Parquet.</summary>
public sealed class MetricPoint : TelemetryRow
{
    /// <summary>Sample time (UTC).</summary>
    public required DateTime Timestamp { get; init; }

    /// <summary>Metric name, Prometheus style (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>).</summary>
    public required string Name { get; init; }

    /// <summary>gauge, counter or histogram.</summary>
    public required string Type { get; init; }

    /// <summary>The value of a gauge or counter; the sum of a histogram.</summary>
    public required double Value { get; init; }

    /// <summary>Histogram observation count; null for gauges and counters.</summary>
    public long? Count { get; init; }

    /// <summary>Histogram upper bounds (le), ascending; null for gauges and counters.</summary>
    public double[]? BucketBounds { get; init; }

    /// <summary>Cumulative histogram counts per bound; null for gauges and counters.</summary>
    public long[]? BucketCounts { get; init; }

    /// <summary>Labels as a JSON object of strings, keys sorted.</summary>
    public required string LabelsJson { get; init; }
}

namespace AegisGuard.Storage.Metrics;

/// <summary>
/// One series' rollup buckets, ascending by start. Each bucket keeps what every supported function needs: min, max,
/// sum and count of the samples, the first and last sample (value and time), and the counter increase from the first
/// to the last sample of the bucket with resets handled as Prometheus does (a drop starts again from zero).
/// </summary>
public sealed record MetricRollupSeries
{
    /// <summary>Labels sorted by name, <c>__name__</c> included.</summary>
    public required IReadOnlyList<MetricLabel> Labels { get; init; }

    /// <summary>Bucket starts, Unix ms, multiples of the resolution.</summary>
    public required long[] BucketStartMs { get; init; }

    /// <summary>Smallest sample per bucket.</summary>
    public required double[] Min { get; init; }

    /// <summary>Largest sample per bucket.</summary>
    public required double[] Max { get; init; }

    /// <summary>Sum of the samples per bucket.</summary>
    public required double[] Sum { get; init; }

    /// <summary>Number of samples per bucket.</summary>
    public required long[] Count { get; init; }

    /// <summary>First sample's value per bucket.</summary>
    public required double[] First { get; init; }

    /// <summary>First sample's time per bucket, Unix ms.</summary>
    public required long[] FirstMs { get; init; }

    /// <summary>Last sample's value per bucket.</summary>
    public required double[] Last { get; init; }

    /// <summary>Last sample's time per bucket, Unix ms.</summary>
    public required long[] LastMs { get; init; }

    /// <summary>Counter increase from the first to the last sample of the bucket, across resets.</summary>
    public required double[] Increase { get; init; }
}

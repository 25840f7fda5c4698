namespace AegisGuard.Query.PromQl;

/// <summary>
/// A query's answer in the API's terms: a scalar or string (<see cref="TimestampMs"/> and <see cref="Scalar"/> or
/// <see cref="Text"/>), an instant vector, or a matrix (range query, or a range vector at one instant).
/// </summary>
public sealed record PromQlResult
{
    public required PromQlResultType Type { get; init; }

    public long TimestampMs { get; init; }

    public double Scalar { get; init; }

    public string Text { get; init; } = string.Empty;

    public IReadOnlyList<PromQlSample> Vector { get; init; } = [];

    public IReadOnlyList<PromQlSeries> Matrix { get; init; } = [];

    /// <summary>Samples read from storage to answer (raw samples plus rollup buckets).</summary>
    public long SamplesRead { get; init; }

    /// <summary>How each selector of the query was read (raw samples or rollups at which resolution), in query order.</summary>
    public IReadOnlyList<PromQlSelectorRead> Reads { get; init; } = [];
}

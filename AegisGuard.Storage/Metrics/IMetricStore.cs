namespace AegisGuard.Storage.Metrics;

/// <summary>
/// What a metric query engine (PromQL-lite) asks of a metric store: samples of the series a selector matches, per-bucket
/// rollups of them, and the series catalog. Every call is scoped to one org by the caller's principal, never by the
/// query text. The Parquet store implements it today; a TimescaleDB adapter implements the same interface, and
/// <c>AegisGuard.Tests/Storage/Metrics/MetricStoreContract</c> is the behaviour both must show.
/// </summary>
/// <remarks>
/// Histograms are exposed the way Prometheus exposes classic histograms: one stored histogram sample of metric
/// <c>x</c> is the series <c>x_bucket{le="…"}</c> (one per bound, cumulative, plus <c>le="+Inf"</c>), <c>x_sum</c> and
/// <c>x_count</c>. Times are Unix milliseconds; both ends of a time range are inclusive.
/// </remarks>
public interface IMetricStore
{
    /// <summary>The raw samples of every series matching the request's matchers within its range, series ordered by labels, samples by time.</summary>
    /// <exception cref="MetricQueryLimitException">More series or samples than the request's limits allow.</exception>
    Task<IReadOnlyList<MetricSeriesSamples>> SelectAsync(MetricSelectRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Per-bucket aggregates of the same series at <paramref name="resolution"/> (1 min, 5 min or 1 h), for buckets that
    /// start within the request's range. A bucket covers [start, start + resolution).
    /// </summary>
    /// <exception cref="MetricQueryLimitException">More series or buckets than the request's limits allow.</exception>
    Task<IReadOnlyList<MetricRollupSeries>> SelectRollupsAsync(MetricSelectRequest request, TimeSpan resolution, CancellationToken cancellationToken);

    /// <summary>Label names of the series matching any of the request's selectors (all series when it has none), sorted.</summary>
    Task<IReadOnlyList<string>> LabelNamesAsync(MetricCatalogRequest request, CancellationToken cancellationToken);

    /// <summary>Values of one label (<c>__name__</c> gives metric names) over the matching series, sorted.</summary>
    Task<IReadOnlyList<string>> LabelValuesAsync(string labelName, MetricCatalogRequest request, CancellationToken cancellationToken);

    /// <summary>The matching series with their type and last-seen time, without reading samples.</summary>
    Task<IReadOnlyList<MetricSeriesInfo>> SeriesAsync(MetricCatalogRequest request, CancellationToken cancellationToken);
}

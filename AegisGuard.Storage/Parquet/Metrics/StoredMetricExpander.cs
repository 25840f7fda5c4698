namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// Turns stored metric rows into the samples of the series they expose: a gauge or counter row is one sample; a
/// histogram row is one sample per bucket (<c>x_bucket</c>, cumulative, its bounds as <c>le</c> and <c>+Inf</c> = count),
/// one of <c>x_sum</c> and one of <c>x_count</c>, as Prometheus exposes classic histograms. Rows arrive sorted by name and
/// labels, so the identities of the previous row are reused instead of parsing its labels again.
/// </summary>
internal sealed class StoredMetricExpander
{
    public const string Histogram = "histogram";

    private string? lastName;
    private string? lastLabels;
    private string? lastType;
    private double[]? lastBounds;
    private Dictionary<string, string>? lastStored;
    private MetricSeriesIdentity? single;
    private MetricSeriesIdentity[]? buckets;
    private MetricSeriesIdentity? sum;
    private MetricSeriesIdentity? count;

    /// <summary>Calls <paramref name="sample"/> with each exposed series of the row and its value.</summary>
    public void Expand(string name, string type, string labelsJson, double value, long? observations, double[]? bounds, long[]? bucketCounts, Action<MetricSeriesIdentity, double> sample)
    {
        bool sameSource = name == lastName && labelsJson == lastLabels && type == lastType;
        if (!sameSource)
        {
            lastName = name;
            lastLabels = labelsJson;
            lastType = type;
            lastStored = MetricSeriesIdentity.ParseStored(labelsJson);
            lastBounds = null;
            single = null;
            buckets = null;
            sum = null;
            count = null;
        }

        if (type != Histogram || bounds is null || bucketCounts is null)
        {
            single ??= Identity(name, type, labelsJson, null);
            sample(single, value);
            return;
        }

        if (buckets is null || lastBounds is null || !lastBounds.AsSpan().SequenceEqual(bounds))
        {
            lastBounds = bounds;
            // The decoder always stores the +Inf bound; a row without it still exposes le="+Inf" (= the count).
            bool hasInf = bounds.Length > 0 && double.IsPositiveInfinity(bounds[^1]);
            buckets = new MetricSeriesIdentity[bounds.Length + (hasInf ? 0 : 1)];
            for (int i = 0; i < buckets.Length; i++)
            {
                buckets[i] = Identity(name + "_bucket", Histogram, labelsJson, PrometheusFloat.Format(i < bounds.Length ? bounds[i] : double.PositiveInfinity));
            }

            sum ??= Identity(name + "_sum", Histogram, labelsJson, null);
            count ??= Identity(name + "_count", Histogram, labelsJson, null);
        }

        long total = observations ?? (bucketCounts.Length > 0 ? bucketCounts[^1] : 0);
        for (int i = 0; i < buckets.Length; i++)
        {
            if (i < bounds.Length)
            {
                if (i < bucketCounts.Length)
                {
                    sample(buckets[i], bucketCounts[i]);
                }
            }
            else
            {
                sample(buckets[i], total);
            }
        }

        sample(sum!, value);
        sample(count!, total);
    }

    private MetricSeriesIdentity Identity(string metric, string type, string labelsJson, string? le)
    {
        var labels = MetricSeriesIdentity.Build(metric, lastStored!, le);
        return new MetricSeriesIdentity(MetricSeriesIdentity.KeyOf(labels), labels, metric, type, lastName!, labelsJson);
    }
}

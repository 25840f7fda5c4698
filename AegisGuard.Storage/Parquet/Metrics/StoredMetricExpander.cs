namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// Turns stored metric rows into the samples of the series they expose: a gauge or counter row is one sample; a
/// histogram row is one sample per bucket (<c>x_bucket</c>, cumulative, its bounds as <c>le</c> and <c>+Inf</c> = count),
/// one of <c>x_sum</c> and one of <c>x_count</c>, as Prometheus exposes classic histograms. The identities of each stored
/// name and label set are made once per expander and remembered (rows may come in any order: a query read in
/// parallel interleaves files), with the previous row's checked first since rows of one file come sorted by name and labels.
/// </summary>
internal sealed class StoredMetricExpander
{
    public const string Histogram = "histogram";

    private readonly Dictionary<(string Name, string Type, string Labels), Source> sources = [];
    private Source? last;

    /// <summary>Calls <paramref name="sample"/> with each exposed series of the row and its value.</summary>
    public void Expand(string name, string type, string labelsJson, double value, long? observations, double[]? bounds, long[]? bucketCounts, Action<MetricSeriesIdentity, double> sample)
    {
        var source = last;
        if (source is null || name != source.Name || labelsJson != source.Labels || type != source.Type)
        {
            if (!sources.TryGetValue((name, type, labelsJson), out source))
            {
                source = new Source(name, type, labelsJson, MetricSeriesIdentity.ParseStored(labelsJson));
                sources.Add((name, type, labelsJson), source);
            }

            last = source;
        }

        if (type != Histogram || bounds is null || bucketCounts is null)
        {
            source.Single ??= source.Identity(name, type, null);
            sample(source.Single, value);
            return;
        }

        if (source.Buckets is null || source.Bounds is null || !source.Bounds.AsSpan().SequenceEqual(bounds))
        {
            source.Bounds = bounds;
            // The decoder always stores the +Inf bound; a row without it still exposes le="+Inf" (= the count).
            bool hasInf = bounds.Length > 0 && double.IsPositiveInfinity(bounds[^1]);
            source.Buckets = new MetricSeriesIdentity[bounds.Length + (hasInf ? 0 : 1)];
            for (int i = 0; i < source.Buckets.Length; i++)
            {
                source.Buckets[i] = source.Identity(name + "_bucket", Histogram, PrometheusFloat.Format(i < bounds.Length ? bounds[i] : double.PositiveInfinity));
            }

            source.Sum ??= source.Identity(name + "_sum", Histogram, null);
            source.Count ??= source.Identity(name + "_count", Histogram, null);
        }

        var buckets = source.Buckets;
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

        sample(source.Sum!, value);
        sample(source.Count!, total);
    }

    /// <summary>One stored name, type and label set, and the identities of the series it exposes (made when first needed).</summary>
    private sealed class Source(string name, string type, string labels, Dictionary<string, string> stored)
    {
        public string Name { get; } = name;

        public string Type { get; } = type;

        public string Labels { get; } = labels;

        public double[]? Bounds { get; set; }

        public MetricSeriesIdentity? Single { get; set; }

        public MetricSeriesIdentity[]? Buckets { get; set; }

        public MetricSeriesIdentity? Sum { get; set; }

        public MetricSeriesIdentity? Count { get; set; }

        public MetricSeriesIdentity Identity(string metric, string type, string? le)
        {
            var labels = MetricSeriesIdentity.Build(metric, stored, le);
            return new MetricSeriesIdentity(MetricSeriesIdentity.KeyOf(labels), labels, metric, type, Name, Labels);
        }
    }
}

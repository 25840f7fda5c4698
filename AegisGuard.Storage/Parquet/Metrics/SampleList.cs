namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The samples read for one series, in the order the rows came (time, then ingest order). A second sample at the same
/// time replaces the first: the last ingested one wins, as in Prometheus.
/// </summary>
internal sealed class SampleList(MetricSeriesIdentity series)
{
    private bool unsorted;

    public MetricSeriesIdentity Series { get; } = series;

    public List<long> Times { get; } = [];

    public List<double> Values { get; } = [];

    /// <summary>Adds a sample; false when it replaced one at the same time (it adds nothing to the count).</summary>
    public bool Add(long timeMs, double value)
    {
        if (Times.Count > 0)
        {
            long last = Times[^1];
            if (timeMs == last)
            {
                Values[^1] = value;
                return false;
            }

            if (timeMs < last)
            {
                unsorted = true;
            }
        }

        Times.Add(timeMs);
        Values.Add(value);
        return true;
    }

    /// <summary>Sorts by time (keeping the last added of equal times) when rows of the series came from several blocks.</summary>
    public void Normalize()
    {
        if (!unsorted)
        {
            return;
        }

        var order = Enumerable.Range(0, Times.Count).OrderBy(i => Times[i]).ThenBy(i => i).ToArray();
        var times = new List<long>(order.Length);
        var values = new List<double>(order.Length);
        foreach (int i in order)
        {
            if (times.Count > 0 && times[^1] == Times[i])
            {
                values[^1] = Values[i];
                continue;
            }

            times.Add(Times[i]);
            values.Add(Values[i]);
        }

        Times.Clear();
        Times.AddRange(times);
        Values.Clear();
        Values.AddRange(values);
        unsorted = false;
    }
}

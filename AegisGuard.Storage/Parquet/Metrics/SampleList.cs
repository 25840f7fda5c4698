namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The samples read for one series. A second sample at the same time replaces the first: the last ingested one wins,
/// as in Prometheus. Rows may come in any order when each carries its ingest position (<see cref="Add(long, double, long, int)"/>:
/// <see cref="Normalize"/> then sorts by time and position); without one, the order of the calls is the ingest order.
/// </summary>
internal sealed class SampleList(MetricSeriesIdentity series)
{
    private bool unsorted;
    private List<(long Address, int Index)>? sources;

    public MetricSeriesIdentity Series { get; } = series;

    public List<long> Times { get; } = [];

    public List<double> Values { get; } = [];

    /// <summary>Adds a sample that was ingested after every one added so far; false when it replaced one at the same time.</summary>
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

    /// <summary>
    /// Adds a sample stored from ingest log position (<paramref name="address"/>, <paramref name="index"/>), in any order;
    /// false when it met one at the same time next to it (a duplicate further away is only dropped by <see cref="Normalize"/>).
    /// </summary>
    public bool Add(long timeMs, double value, long address, int index)
    {
        sources ??= new List<(long, int)>(Times.Capacity);
        if (Times.Count > 0)
        {
            long last = Times[^1];
            if (timeMs == last)
            {
                if (Later((address, index), sources[^1]))
                {
                    Values[^1] = value;
                    sources[^1] = (address, index);
                }

                return false;
            }

            if (timeMs < last)
            {
                unsorted = true;
            }
        }

        Times.Add(timeMs);
        Values.Add(value);
        sources.Add((address, index));
        return true;
    }

    /// <summary>Sorts by time (of equal times keeping the last ingested) when the samples did not come in time order.</summary>
    public void Normalize()
    {
        if (!unsorted)
        {
            return;
        }

        var order = new int[Times.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var source = sources;
        Array.Sort(order, (a, b) =>
        {
            int c = Times[a].CompareTo(Times[b]);
            if (c != 0)
            {
                return c;
            }

            return source is null ? a.CompareTo(b) : source[a].Address != source[b].Address
                ? source[a].Address.CompareTo(source[b].Address)
                : source[a].Index.CompareTo(source[b].Index);
        });
        var times = new long[order.Length];
        var values = new double[order.Length];
        var sorted = source is null ? null : new List<(long, int)>(order.Length);
        int n = 0;
        foreach (int i in order)
        {
            if (n > 0 && times[n - 1] == Times[i])
            {
                // Equal times are in ingest order now: the later one wins.
                values[n - 1] = Values[i];
                if (sorted is not null)
                {
                    sorted[^1] = source![i];
                }

                continue;
            }

            times[n] = Times[i];
            values[n++] = Values[i];
            sorted?.Add(source![i]);
        }

        Times.Clear();
        Times.AddRange(times.AsSpan(0, n));
        Values.Clear();
        Values.AddRange(values.AsSpan(0, n));
        sources = sorted;
        unsorted = false;
    }

    private static bool Later((long Address, int Index) a, (long Address, int Index) b) =>
        a.Address != b.Address ? a.Address > b.Address : a.Index > b.Index;
}

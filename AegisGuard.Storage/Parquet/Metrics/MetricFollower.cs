using System.Globalization;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// Keeps the catalog and the rollups up to date with the stored metric rows, incrementally: each step reads only the rows
/// ingested from its watermark up to the manifest's flushed position (or a chunk of them), merges their per-bucket
/// aggregates into the stored buckets, and writes the result with the new watermark in one transaction. A bucket whose
/// stored samples do not lie wholly before or after the new ones (a late or repeated sample) is recomputed from that
/// series' raw samples of that bucket alone. Days retention unlisted are dropped from the catalog.
/// </summary>
internal sealed class MetricFollower(Manifest manifest, MetricCatalog catalog, MetricSampleReader reader)
{
    /// <summary>The rollup resolutions kept: 1 minute, 5 minutes, 1 hour.</summary>
    public static readonly long[] Resolutions = [60_000, 300_000, 3_600_000];

    // A step reads at most about this many stored rows (whole flushes), so a long backlog is caught up in bounded memory.
    private const long StepRows = 250_000;

    /// <summary>Test hook: runs inside the step's transaction, before it commits (a throw there is a crash mid-step).</summary>
    public Action? BeforeCommit { get; set; }

    /// <summary>Follows one step; true when more stored rows are already waiting.</summary>
    public async Task<(bool More, long FollowedUntil)> StepAsync(CancellationToken cancellationToken)
    {
        long from = catalog.FollowedUntil();
        long flushed = manifest.FlushedUntil();
        bool more = false;
        long end = from;
        if (flushed > from)
        {
            var files = manifest.ListFilesReaching(Signal.Metrics, from);
            end = flushed;
            long rows = 0;
            foreach (var file in files)
            {
                rows += file.Rows;
                if (rows >= StepRows && file.NextAddress > from && file.NextAddress < flushed)
                {
                    end = file.NextAddress;
                    more = true;
                    break;
                }
            }

            var selected = files.Where(f => f.FirstAddress < end).ToList();
            var samples = await reader.ReadAddressRangeAsync(selected, from, end, cancellationToken);
            var changes = await PlanAsync(samples, end, cancellationToken);
            catalog.Apply(changes, end, BeforeCommit);
        }

        FollowRetention();
        return (more, end);
    }

    private void FollowRetention()
    {
        var known = catalog.Days();
        if (known.Count == 0)
        {
            return;
        }

        var kept = manifest.KeptDays(Signal.Metrics);
        foreach (var (orgId, day) in known)
        {
            if (!kept.Contains((orgId, day)))
            {
                catalog.DropDay(orgId, day);
            }
        }
    }

    private async Task<List<SeriesChange>> PlanAsync(Dictionary<(int OrgId, string Key), SampleList> samples, long end, CancellationToken cancellationToken)
    {
        var changes = new List<SeriesChange>(samples.Count);
        var partials = new Dictionary<SeriesChange, List<(long Resolution, long Bucket, RollupBucket Partial)>>();
        foreach (var org in samples.GroupBy(s => s.Key.OrgId))
        {
            var ids = catalog.FindIds(org.Key, org.Select(s => s.Key.Key));
            foreach (var (key, list) in org)
            {
                if (list.Times.Count == 0)
                {
                    continue;
                }

                var change = new SeriesChange
                {
                    OrgId = key.OrgId,
                    Identity = list.Series,
                    ExistingId = ids.TryGetValue(key.Key, out long id) ? id : null,
                    FirstMs = list.Times[0],
                    LastMs = list.Times[^1],
                };
                foreach (long t in list.Times)
                {
                    string day = DateOnly.FromDateTime(MetricSampleReader.ToTime(t)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    change.Days[day] = change.Days.TryGetValue(day, out long last) ? Math.Max(last, t) : t;
                }

                var buckets = new List<(long, long, RollupBucket)>();
                foreach (long resolution in Resolutions)
                {
                    foreach (var (start, bucket) in RollupBucket.Aggregate(list.Times, list.Values, resolution))
                    {
                        buckets.Add((resolution, start, bucket));
                    }
                }

                if (change.ExistingId is null)
                {
                    change.Buckets.AddRange(buckets);
                }
                else
                {
                    partials[change] = buckets;
                }

                changes.Add(change);
            }
        }

        if (partials.Count == 0)
        {
            return changes;
        }

        var stored = catalog.LoadBuckets(partials.SelectMany(p => p.Value.Select(b => (p.Key.ExistingId!.Value, b.Resolution, b.Bucket))));
        var recompute = new Dictionary<SeriesChange, List<(long Resolution, long Bucket)>>();
        foreach (var (change, buckets) in partials)
        {
            foreach (var (resolution, start, partial) in buckets)
            {
                if (!stored.TryGetValue((change.ExistingId!.Value, resolution, start), out var existing))
                {
                    change.Buckets.Add((resolution, start, partial));
                }
                else if (existing.LastMs < partial.FirstMs)
                {
                    change.Buckets.Add((resolution, start, RollupBucket.Merge(existing, partial)));
                }
                else if (partial.LastMs < existing.FirstMs)
                {
                    change.Buckets.Add((resolution, start, RollupBucket.Merge(partial, existing)));
                }
                else
                {
                    // Samples interleave with (or repeat) stored ones: only the raw samples give the right answer.
                    if (!recompute.TryGetValue(change, out var list))
                    {
                        list = [];
                        recompute[change] = list;
                    }

                    list.Add((resolution, start));
                }
            }
        }

        // One read per org for every series to recompute: concurrent senders deliver batches slightly out of time order,
        // so after a backlog most series of a step have such a bucket, and a query per series (each listing and scanning
        // the day's files) made a 250k-row step take minutes.
        foreach (var org in recompute.GroupBy(r => r.Key.OrgId))
        {
            long from = org.Min(r => r.Value.Min(b => b.Bucket));
            long to = org.Max(r => r.Value.Max(b => b.Bucket + b.Resolution)) - 1;
            var identities = org.Select(r => r.Key.Identity).DistinctBy(i => i.Key, StringComparer.Ordinal).ToList();
            var raw = await reader.ReadSeriesAsync(org.Key, identities, from, to, end, long.MaxValue, cancellationToken);
            foreach (var (change, buckets) in org)
            {
                if (!raw.TryGetValue(change.Identity.Key, out var series))
                {
                    continue;
                }

                foreach (var (resolution, start) in buckets)
                {
                    var times = new List<long>();
                    var values = new List<double>();
                    for (int i = 0; i < series.Times.Count; i++)
                    {
                        if (series.Times[i] >= start && series.Times[i] < start + resolution)
                        {
                            times.Add(series.Times[i]);
                            values.Add(series.Values[i]);
                        }
                    }

                    foreach (var (bucketStart, bucket) in RollupBucket.Aggregate(times, values, resolution))
                    {
                        change.Buckets.Add((resolution, bucketStart, bucket));
                    }
                }
            }
        }

        return changes;
    }
}

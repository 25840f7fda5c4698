using AegisGuard.Storage.Metrics;
using AegisGuard.Storage.Telemetry;

namespace AegisGuard.Storage.Parquet.Metrics;

/// <summary>
/// The metric store over the Parquet partitions: raw samples are read with DuckDB from the manifest's metric files; the
/// series catalog and the 1 m / 5 m / 1 h rollups live in <c>data/metrics/catalog.db</c> and are kept up to date by a
/// follower of the stored rows (<see cref="FollowOnceAsync"/>, run every second by the host). New series appear in the
/// catalog (and so in queries) once the follower has passed the flush that stored them, normally within a second;
/// <see cref="WaitForAsync"/> waits for that.
/// </summary>
public sealed class ParquetMetricStore : IMetricStore, IDisposable
{
    private readonly MetricCatalog catalog;
    private readonly MetricSampleReader reader;
    private readonly MetricFollower follower;
    private readonly Manifest manifest;
    // Beyond this many rows in the files not yet followed, rollup reads recompute from raw samples instead of reading them.
    private const long UnfollowedRowsToRead = 500_000;

    private readonly SemaphoreSlim following = new(1, 1);
    private TaskCompletionSource advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long followedUntil;

    /// <summary>Opens the catalog of <paramref name="store"/>'s data directory (<c>data/metrics/catalog.db</c>, created and migrated when needed).</summary>
    public ParquetMetricStore(TelemetryStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        manifest = store.Manifest;
        catalog = new MetricCatalog(CatalogPath(store.Data));
        reader = new MetricSampleReader(store.Manifest, store.Engine, store.TelemetryRoot, () => store.DamageGuard);
        follower = new MetricFollower(store.Manifest, catalog, reader);
        followedUntil = catalog.FollowedUntil();
    }

    /// <summary>Every stored metric row from ingest log addresses below this is in the catalog and the rollups.</summary>
    public long FollowedUntil => Interlocked.Read(ref followedUntil);

    /// <summary>True when the follower has passed everything the manifest lists as stored.</summary>
    public bool IsCaughtUp => FollowedUntil >= manifest.FlushedUntil();

    /// <summary>Test hook: runs before a follower step commits; throwing there stands for a crash in the middle of a step.</summary>
    internal Action? BeforeFollowCommit
    {
        get => follower.BeforeCommit;
        set => follower.BeforeCommit = value;
    }

    /// <summary>Where the catalog of a data directory lives.</summary>
    public static string CatalogPath(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Path.Combine(data.Root, "metrics", "catalog.db");
    }

    /// <summary>
    /// Adds the rows stored since the last step to the catalog and the rollups (one bounded step, one transaction) and drops
    /// days retention unlisted. Returns true when more stored rows are already waiting. Steps never run concurrently.
    /// </summary>
    public async Task<bool> FollowOnceAsync(CancellationToken cancellationToken)
    {
        await following.WaitAsync(cancellationToken);
        try
        {
            var (more, until) = await follower.StepAsync(cancellationToken);
            if (until > Interlocked.Read(ref followedUntil))
            {
                Interlocked.Exchange(ref followedUntil, until);
            }

            Interlocked.Exchange(ref advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return more;
        }
        finally
        {
            following.Release();
        }
    }

    /// <summary>Follows until everything stored when it was called is in the catalog and the rollups.</summary>
    public async Task FollowAllAsync(CancellationToken cancellationToken)
    {
        long target = manifest.FlushedUntil();
        do
        {
            await FollowOnceAsync(cancellationToken);
        }
        while (FollowedUntil < target);
    }

    /// <summary>Waits until the follower (run by someone else, e.g. the host) has passed ingest log address <paramref name="address"/>.</summary>
    public async Task WaitForAsync(long address, CancellationToken cancellationToken)
    {
        while (FollowedUntil < address)
        {
            var next = Volatile.Read(ref advanced).Task;
            if (FollowedUntil >= address)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MetricSeriesSamples>> SelectAsync(MetricSelectRequest request, CancellationToken cancellationToken)
    {
        var matched = MatchForSelect(request);
        if (matched.Count == 0)
        {
            return [];
        }

        var samples = await reader.ReadSeriesAsync(request.OrgId, matched.Select(s => s.Identity).ToList(), request.FromMs, request.ToMs, null, request.MaxSamples, cancellationToken);
        return matched
            .Where(s => samples.TryGetValue(s.Identity.Key, out var list) && list.Times.Count > 0)
            .OrderBy(s => s.Identity.Labels, LabelOrder.Instance)
            .Select(s =>
            {
                var list = samples[s.Identity.Key];
                return new MetricSeriesSamples(s.Identity.Labels, [.. list.Times], [.. list.Values]);
            })
            .ToList();
    }

    /// <inheritdoc />
    /// <remarks>
    /// Rows flushed but not yet followed (the last second's flush, or a backlog after a restart) are in raw reads before
    /// the follower adds them to the stored buckets; so that both answer alike, the buckets of series with such rows are
    /// recomputed from their raw samples, from the bucket of the oldest unfollowed sample on.
    /// </remarks>
    public async Task<IReadOnlyList<MetricRollupSeries>> SelectRollupsAsync(MetricSelectRequest request, TimeSpan resolution, CancellationToken cancellationToken)
    {
        long resolutionMs = (long)resolution.TotalMilliseconds;
        if (!MetricFollower.Resolutions.Contains(resolutionMs))
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "rollups are kept at 1 minute, 5 minutes and 1 hour");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var matched = MatchForSelect(request);
        if (matched.Count == 0 || request.FromMs > request.ToMs)
        {
            return [];
        }

        var ids = matched.Select(s => s.Id).ToList();
        if (catalog.CountBucketsOver(ids, resolutionMs, request.FromMs, request.ToMs, request.MaxSamples) is { } count)
        {
            throw new MetricQueryLimitException(
                $"the query would read {count} rollup buckets, more than the limit of {request.MaxSamples}; narrow the selector or the time range");
        }

        // Positions first: the stored buckets read next hold at least everything below `followed`.
        long followed = FollowedUntil;
        long flushed = manifest.FlushedUntil();
        var buckets = catalog.ReadBuckets(ids, resolutionMs, request.FromMs, request.ToMs);
        if (flushed > followed)
        {
            await AddUnfollowedAsync(request, matched, buckets, resolutionMs, followed, flushed, cancellationToken);
        }

        return matched
            .Where(s => buckets.TryGetValue(s.Id, out var list) && list.Count > 0)
            .OrderBy(s => s.Identity.Labels, LabelOrder.Instance)
            .Select(s => ToRollupSeries(s.Identity.Labels, buckets[s.Id]))
            .ToList();
    }

    private async Task AddUnfollowedAsync(
        MetricSelectRequest request, List<CatalogSeries> matched, Dictionary<long, List<(long BucketMs, RollupBucket Bucket)>> buckets,
        long resolutionMs, long followed, long flushed, CancellationToken cancellationToken)
    {
        long firstBucket = RollupBucket.BucketOf(request.FromMs - 1, resolutionMs) + resolutionMs;
        var files = manifest.ListFilesReaching(Signal.Metrics, followed);
        var redo = new Dictionary<string, (CatalogSeries Series, long FromBucket)>(StringComparer.Ordinal);
        if (files.Sum(f => f.Rows) > UnfollowedRowsToRead)
        {
            // A long backlog: reading it all would cost more than recomputing the wanted buckets of these series.
            foreach (var s in matched)
            {
                redo[s.Identity.Key] = (s, firstBucket);
            }
        }
        else
        {
            var unfollowed = await reader.ReadAddressRangeAsync(files, followed, flushed, cancellationToken);
            foreach (var s in matched)
            {
                if (unfollowed.TryGetValue((request.OrgId, s.Identity.Key), out var list) && list.Times.Count > 0)
                {
                    long from = Math.Max(firstBucket, RollupBucket.BucketOf(list.Times[0], resolutionMs));
                    if (from <= request.ToMs)
                    {
                        redo[s.Identity.Key] = (s, from);
                    }
                }
            }
        }

        if (redo.Count == 0)
        {
            return;
        }

        long readFrom = redo.Values.Min(r => r.FromBucket);
        long readTo = RollupBucket.BucketOf(request.ToMs, resolutionMs) + resolutionMs - 1;
        var raw = await reader.ReadSeriesAsync(request.OrgId, redo.Values.Select(r => r.Series.Identity).ToList(), readFrom, readTo, null, request.MaxSamples, cancellationToken);
        foreach (var (key, (series, from)) in redo)
        {
            var kept = buckets.TryGetValue(series.Id, out var stored) ? stored.Where(b => b.BucketMs < from).ToList() : [];
            if (raw.TryGetValue(key, out var samples))
            {
                int start = 0;
                while (start < samples.Times.Count && samples.Times[start] < from)
                {
                    start++;
                }

                var times = samples.Times.GetRange(start, samples.Times.Count - start);
                var values = samples.Values.GetRange(start, samples.Values.Count - start);
                kept.AddRange(RollupBucket.Aggregate(times, values, resolutionMs).Where(b => b.BucketMs <= request.ToMs));
            }

            buckets[series.Id] = kept;
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> LabelNamesAsync(MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IEnumerable<string> names = request.Selectors.Count == 0
            ? catalog.LabelNames(request.OrgId, request.FromMs, request.ToMs)
            : MatchCatalog(request).SelectMany(s => s.Identity.Labels.Select(l => l.Name));
        return Task.FromResult<IReadOnlyList<string>>(Finish(names, request.Limit));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> LabelValuesAsync(string labelName, MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labelName);
        ArgumentNullException.ThrowIfNull(request);
        // Without selectors the label index answers (a time range only narrows it by the series' first/last-seen times).
        IEnumerable<string> values = request.Selectors.Count == 0
            ? catalog.LabelValues(request.OrgId, labelName, request.FromMs, request.ToMs)
            : MatchCatalog(request).SelectMany(s => s.Identity.Labels.Where(l => l.Name == labelName).Select(l => l.Value));
        return Task.FromResult<IReadOnlyList<string>>(Finish(values, request.Limit));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MetricSeriesInfo>> SeriesAsync(MetricCatalogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<MetricSeriesInfo> series = MatchCatalog(request)
            .OrderBy(s => s.Identity.Labels, LabelOrder.Instance)
            .Take(Math.Max(0, request.Limit))
            .Select(s => new MetricSeriesInfo(s.Identity.Labels, s.Identity.Type, s.LastSeenMs))
            .ToList();
        return Task.FromResult(series);
    }

    /// <inheritdoc />
    public void Dispose() => following.Dispose();

    private static List<string> Finish(IEnumerable<string> values, int limit) =>
        values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(Math.Max(0, limit)).ToList();

    private static MetricRollupSeries ToRollupSeries(IReadOnlyList<MetricLabel> labels, List<(long BucketMs, RollupBucket Bucket)> buckets)
    {
        // One pass rather than one LINQ pass per array: a 24 h read at 5 m is ~289 buckets × every matched series.
        int n = buckets.Count;
        long[] starts = new long[n], counts = new long[n], firstMs = new long[n], lastMs = new long[n];
        double[] min = new double[n], max = new double[n], sum = new double[n], first = new double[n], last = new double[n], increase = new double[n];
        for (int i = 0; i < n; i++)
        {
            var (start, b) = buckets[i];
            starts[i] = start;
            min[i] = b.Min;
            max[i] = b.Max;
            sum[i] = b.Sum;
            counts[i] = b.Count;
            first[i] = b.First;
            firstMs[i] = b.FirstMs;
            last[i] = b.Last;
            lastMs[i] = b.LastMs;
            increase[i] = b.Increase;
        }

        return new MetricRollupSeries
        {
            Labels = labels,
            BucketStartMs = starts,
            Min = min,
            Max = max,
            Sum = sum,
            Count = counts,
            First = first,
            FirstMs = firstMs,
            Last = last,
            LastMs = lastMs,
            Increase = increase,
        };
    }

    private List<CatalogSeries> MatchCatalog(MetricCatalogRequest request) =>
        catalog.Match(request.OrgId, request.Selectors.Select(s => new CompiledSelector(s)).ToList(), request.FromMs, request.ToMs);

    private List<CatalogSeries> MatchForSelect(MetricSelectRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var selector = new CompiledSelector(request.Matchers);
        if (selector.MatchesEmpty())
        {
            throw new ArgumentException("a selector needs at least one matcher that does not match the empty string", nameof(request));
        }

        var matched = catalog.Match(request.OrgId, [selector], request.FromMs, request.ToMs);
        if (matched.Count > request.MaxSeries)
        {
            throw new MetricQueryLimitException(
                $"the selector matches {matched.Count} series, more than the limit of {request.MaxSeries}; narrow the selector");
        }

        return matched;
    }

    private sealed class LabelOrder : IComparer<IReadOnlyList<MetricLabel>>
    {
        public static readonly LabelOrder Instance = new();

        public int Compare(IReadOnlyList<MetricLabel>? x, IReadOnlyList<MetricLabel>? y) => MetricSeriesIdentity.Compare(x ?? [], y ?? []);
    }
}

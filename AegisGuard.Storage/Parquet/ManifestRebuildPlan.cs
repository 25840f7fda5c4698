namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Decides, from the Parquet files alone, what a lost manifest listed. Pure (no I/O), so every rule has a unit test:
/// <list type="bullet">
/// <item>a file that cannot be read, has a name the appliance does not write, or holds rows of another org than its
/// folder says is quarantined, never listed (and never deleted);</item>
/// <item>a fresh file whose address range lies within a readable compacted file of the same partition was merged into
/// it: it is scheduled for deletion (doomed), not listed twice;</item>
/// <item>the replay boundary is where the ingest log's reader resumes, or beyond the newest compacted file when the
/// manifest had got further than the reader (compaction only merges committed flushes). Every record before it is in
/// a listed file; fresh files starting at or beyond it are still in the log: they are not listed (the replay writes
/// them again under the same names) unless the log no longer reaches their end, in which case they are the only copy
/// and are listed;</item>
/// <item>a fresh file whose range lies strictly within another listed fresh file of the same partition is the leftover
/// of a flush that crashed and was redone over a longer range: quarantined, so its rows are not counted twice;</item>
/// <item>the flushed position is the boundary, so the replay covers exactly what is not listed (or, when files beyond
/// the log's tail had to be listed, their end: start-up then refuses as for any log that lost its commits).</item>
/// </list>
/// </summary>
internal sealed class ManifestRebuildPlan
{
    private ManifestRebuildPlan()
    {
    }

    /// <summary>Files to list.</summary>
    public List<ManifestFile> Listed { get; } = [];

    /// <summary>Fresh files already merged into a compacted one: deleted by the maintenance job.</summary>
    public List<string> Doomed { get; } = [];

    /// <summary>Fresh files the replay of the ingest log writes again: not listed, left to start-up's orphan cleanup.</summary>
    public List<string> Replayed { get; } = [];

    /// <summary>Files that cannot be listed, with the reason: moved to the quarantine.</summary>
    public List<(string Path, string Reason)> Quarantined { get; } = [];

    /// <summary>The manifest's flushed position after the rebuild.</summary>
    public long FlushedUntil { get; private set; }

    /// <summary>Plans the rebuild of <paramref name="files"/> for a log whose reader resumes at <paramref name="replayFrom"/> and ends at <paramref name="logTail"/>.</summary>
    public static ManifestRebuildPlan Make(IReadOnlyList<ScannedParquetFile> files, long replayFrom, long logTail)
    {
        ArgumentNullException.ThrowIfNull(files);
        var plan = new ManifestRebuildPlan();
        var usable = new List<ScannedParquetFile>();
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (file.Problem is not null || file.Name is null)
            {
                plan.Quarantined.Add((file.Path, file.Problem ?? "not a file name the appliance writes"));
            }
            else
            {
                usable.Add(file);
            }
        }

        var compacted = usable.Where(f => f.Name!.Compacted).ToList();
        long boundary = Math.Max(replayFrom, compacted.Count == 0 ? 0 : compacted.Max(f => f.Name!.NextAddress));
        var fresh = new List<ScannedParquetFile>();
        foreach (var partition in usable.Where(f => !f.Name!.Compacted).GroupBy(f => f.Name!.Partition))
        {
            var merged = new Dictionary<ScannedParquetFile, List<ScannedParquetFile>>();
            foreach (var file in partition)
            {
                var into = compacted.FirstOrDefault(c => c.Name!.Partition == partition.Key && file.Name!.LiesWithin(c.Name));
                if (into is null)
                {
                    fresh.Add(file);
                }
                else
                {
                    (merged.TryGetValue(into, out var inputs) ? inputs : merged[into] = []).Add(file);
                }
            }

            foreach (var (into, inputs) in merged)
            {
                // A compacted file holds every row of its inputs. When the fresh files in its range hold more rows than
                // it does, they were not (all) its inputs: keep them out of the list but do not delete them either.
                if (inputs.Sum(f => f.Rows) <= into.Rows)
                {
                    plan.Doomed.AddRange(inputs.Select(f => f.Path));
                }
                else
                {
                    plan.Quarantined.AddRange(inputs.Select(f => (f.Path,
                        $"its range lies within {into.Path}, but the fresh files there hold more rows ({inputs.Sum(i => i.Rows)}) than it does ({into.Rows})")));
                }
            }
        }

        plan.Listed.AddRange(compacted.Select(f => f.ToManifestFile()));
        long flushed = boundary;
        var listedFresh = new List<ScannedParquetFile>();
        foreach (var file in fresh)
        {
            if (file.Name!.FirstAddress >= boundary && file.Name.NextAddress <= logTail)
            {
                plan.Replayed.Add(file.Path);
            }
            else
            {
                listedFresh.Add(file);
                if (file.Name.NextAddress > logTail)
                {
                    flushed = Math.Max(flushed, file.Name.NextAddress);
                }
            }
        }

        foreach (var partition in listedFresh.GroupBy(f => f.Name!.Partition))
        {
            var siblings = partition.ToList();
            foreach (var file in siblings)
            {
                var longer = siblings.FirstOrDefault(other => other.Name!.NextAddress - other.Name.FirstAddress > file.Name!.NextAddress - file.Name.FirstAddress &&
                    file.Name.LiesWithin(other.Name));
                if (longer is null)
                {
                    plan.Listed.Add(file.ToManifestFile());
                }
                else
                {
                    plan.Quarantined.Add((file.Path, $"its range lies within {longer.Path}, written again over a longer range after an interrupted flush"));
                }
            }
        }

        plan.FlushedUntil = flushed;
        return plan;
    }
}

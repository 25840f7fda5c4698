namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// What opening the log will recover from, decided from the files before FASTER sees them (FASTER silently starts an
/// empty log when no commit is usable, and trusts whatever its newest commit says):
/// <list type="bullet">
/// <item>the newest valid commit file; when newer commit files are damaged, the records written after the valid one are
/// found in the segments (PerEntry checksums, up to the first invalid record) and a repaired commit covering them is
/// written, so the log is whole again with every record at its original address;</item>
/// <item>the segments must hold every byte of the durable range not yet stored in Parquet (at or after
/// <see cref="IngestLogOptions.StoredUntil"/>); otherwise opening refuses (file, problem, remedy), unless
/// <see cref="IngestLogOptions.AcceptDataLoss"/> is set, which skips the damaged range with a warning;</item>
/// <item>commit files exist (or segments hold data) but none is valid: refuse, or with
/// <see cref="IngestLogOptions.AcceptDataLoss"/> rebuild the log from its segments.</item>
/// </list>
/// </summary>
/// <param name="Commit">The commit FASTER recovers from, or null for a new, empty log.</param>
/// <param name="Repaired">True when <paramref name="Commit"/> was decided here (it must be written before FASTER opens).</param>
/// <param name="Files">Every commit file found, with its verdict.</param>
/// <param name="Fills">Damaged segment files to extend with zeros before FASTER reads them.</param>
/// <param name="Lost">Address ranges whose records are gone (their read errors are expected, not new damage).</param>
/// <param name="Warnings">What a person should know about this open.</param>
internal sealed record IngestLogRecoveryPlan(
    FasterCommitMetadata? Commit,
    bool Repaired,
    IReadOnlyList<IngestLogCommitFile> Files,
    IReadOnlyList<SegmentDamage> Fills,
    IReadOnlyList<(long From, long To)> Lost,
    IReadOnlyList<string> Warnings)
{
    public const string AcceptSetting = "Aegis:Recovery:AcceptIngestLogDataLoss";

    public static IngestLogRecoveryPlan Make(string directory, IngestLogOptions options, IngestLogSegments segments)
    {
        var files = IngestLogCommitStore.Scan(directory);
        var chosen = files.FirstOrDefault(f => f.IsValid);
        long nextNumber = files.Count == 0 ? 1 : files.Max(f => f.Number) + 1;
        var warnings = new List<string>();
        FasterCommitMetadata commit;
        bool repaired = false;
        if (chosen is null)
        {
            if (files.Count == 0 && !segments.HoldAnyData())
            {
                FasterCommitMetadata? none = null;
                CheckStoredPosition(directory, options, segments, ref none, ref repaired, nextNumber, warnings);
                return new IngestLogRecoveryPlan(none, repaired, files, [], [], warnings);
            }

            string file = files.Count > 0 ? files[0].Path : Path.Combine(directory, IngestLogCommitStore.FolderName);
            string problem = files.Count > 0
                ? $"none of the ingest log's {files.Count} commit file(s) is valid ({Describe(files)}), so it is unknown where its acknowledged batches end"
                : "the ingest log's segment files hold data but there is no commit file (deleted?), so it is unknown where its acknowledged batches end";
            if (!options.AcceptDataLoss)
            {
                throw new StartupRefusedException(file, problem, Remedy(directory, "to rebuild the log from its segment files (records after the first unreadable one are lost)"));
            }

            long begin = segments.FirstAddress();
            var (end, records) = segments.ScanValid(begin);
            commit = new FasterCommitMetadata(nextNumber, begin, end, new Dictionary<string, long>());
            repaired = true;
            warnings.Add(($"{problem}; started with {AcceptSetting}=true, so the log was rebuilt from its segments: {records} records at " +
                $"addresses [{begin}, {end}) were kept and are read again from the start (batches already in Parquet are skipped); anything after {end} is lost."));
            FasterCommitMetadata? rebuilt = commit;
            CheckStoredPosition(directory, options, segments, ref rebuilt, ref repaired, nextNumber, warnings);
            return new IngestLogRecoveryPlan(rebuilt, repaired, files, [], [], warnings);
        }

        commit = chosen.Metadata! with { CommitNumber = chosen.Number };
        var fills = new List<SegmentDamage>();
        var lost = new List<(long From, long To)>();
        CheckSegments(directory, options, segments, commit, fills, lost, warnings);

        var damagedNewer = files.Where(f => !f.IsValid && f.Number > chosen.Number).ToList();
        if (damagedNewer.Count > 0)
        {
            var (end, records) = segments.ScanValid(commit.UntilAddress);
            string which = Describe(damagedNewer);
            if (end > commit.UntilAddress)
            {
                warnings.Add(($"The newest ingest log commit file(s) are damaged ({which}); recovered from {chosen.Path} and salvaged {records} records " +
                    $"written after it from the segments (addresses [{commit.UntilAddress}, {end})). The damaged file(s) are moved to {Path.Combine(directory, IngestLogCommitStore.FolderName, "damaged")}."));
                commit = commit with { CommitNumber = nextNumber, UntilAddress = end };
                repaired = true;
            }
            else
            {
                warnings.Add($"The newest ingest log commit file(s) are damaged ({which}); recovered from {chosen.Path}, and no records were written after it.");
            }
        }

        // A damaged tail page cannot be left in memory: a reader that meets zeros there jumps to the next page and
        // would never see the records appended after them. Start the next records on a fresh page instead; the reader
        // then reads the damaged page from disk, where zeros are skipped and checksums are checked.
        long tailPage = segments.PageStart(commit.UntilAddress);
        if (commit.UntilAddress != tailPage && fills.Any(d => d.To > tailPage))
        {
            long freshPage = segments.PageEnd(commit.UntilAddress);
            for (int i = 0; i < fills.Count; i++)
            {
                long segmentStart = segments.SegmentOf(fills[i].From) << options.SegmentSizeBits;
                if (segments.SegmentOf(fills[i].From) == segments.SegmentOf(commit.UntilAddress - 1))
                {
                    fills[i] = fills[i] with { NeededLength = Math.Max(fills[i].NeededLength, freshPage - segmentStart) };
                }
            }

            commit = commit with { CommitNumber = nextNumber, UntilAddress = freshPage };
            repaired = true;
        }

        FasterCommitMetadata? final = commit;
        CheckStoredPosition(directory, options, segments, ref final, ref repaired, nextNumber, warnings);
        return new IngestLogRecoveryPlan(final, repaired, files, fills, lost, warnings);
    }

    /// <summary>
    /// The manifest says everything before <see cref="IngestLogOptions.StoredUntil"/> was taken from this log. A log
    /// that ends before that lost its files (or is an older copy): the pipeline would skip new records below the stored
    /// position as "already stored", and acknowledged records after it are gone. Refuse, or restart the log on the
    /// page after the stored position.
    /// </summary>
    private static void CheckStoredPosition(string directory, IngestLogOptions options, IngestLogSegments segments,
        ref FasterCommitMetadata? commit, ref bool repaired, long nextNumber, List<string> warnings)
    {
        long end = commit?.UntilAddress ?? IngestLogSegments.FirstValidAddress;
        if (options.StoredUntil <= end)
        {
            return;
        }

        string problem = $"the manifest records batches stored up to ingest log address {options.StoredUntil}, but the log ends at {end}: " +
            "its files were lost or replaced by an older copy, so acknowledged batches after that position that were not yet stored are gone";
        if (!options.AcceptDataLoss)
        {
            throw new StartupRefusedException(directory, problem, Remedy(directory, "to restart the log after the stored position"));
        }

        long restart = segments.PageEnd(options.StoredUntil);
        commit = new FasterCommitMetadata(nextNumber, restart, restart, new Dictionary<string, long>());
        repaired = true;
        warnings.Add($"{problem}; started with {AcceptSetting}=true, so the log restarts empty at address {restart}.");
    }

    private static void CheckSegments(string directory, IngestLogOptions options, IngestLogSegments segments, FasterCommitMetadata commit,
        List<SegmentDamage> fills, List<(long From, long To)> lost, List<string> warnings)
    {
        var damage = segments.FindDamage(commit.BeginAddress, commit.UntilAddress);
        if (damage.Count == 0)
        {
            return;
        }

        long unstored = Math.Max(commit.BeginAddress, options.StoredUntil);
        var unflushed = damage.Where(d => d.To > unstored).ToList();
        if (unflushed.Count > 0 && !options.AcceptDataLoss)
        {
            var first = unflushed[0];
            string more = unflushed.Count > 1 ? $" ({unflushed.Count - 1} more segment file(s) damaged too)" : string.Empty;
            throw new StartupRefusedException(first.Path,
                ($"{first.Problem}: ingest log addresses [{Math.Max(first.From, unstored)}, {first.To}) hold acknowledged batches that are not yet stored in Parquet{more}"),
                Remedy(directory, "to start without them"));
        }

        foreach (var d in damage)
        {
            fills.Add(d);
            lost.Add((d.From, d.To));
            warnings.Add(d.To <= unstored
                ? ($"{d.Path}: {d.Problem} (addresses [{d.From}, {d.To})); only batches already stored in Parquet were there, so nothing is lost.")
                : ($"{d.Path}: {d.Problem}: acknowledged batches at ingest log addresses [{Math.Max(d.From, unstored)}, {d.To}) that were not yet stored are LOST " +
                    $"(started with {AcceptSetting}=true). Remove that setting once the appliance runs again."));
        }
    }

    private static string Remedy(string directory, string purpose) =>
        $"Restore {directory} from the backup taken together with manifest.db, or start once with --{AcceptSetting}=true {purpose}; the loss is then reported on /healthz";

    private static string Describe(IEnumerable<IngestLogCommitFile> files) =>
        string.Join("; ", files.Take(3).Select(f => $"{Path.GetFileName(f.Path)} {f.Problem}"));
}

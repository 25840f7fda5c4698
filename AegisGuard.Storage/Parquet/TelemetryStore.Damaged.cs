namespace AegisGuard.Storage.Parquet;

/// <summary>Damaged Parquet files: found by reads and compaction, moved aside, listed again once restored.</summary>
public sealed partial class TelemetryStore
{
    /// <summary>The health board key of a damaged file is this followed by its path (which names its org).</summary>
    public const string DamagedFileHealthPrefix = ParquetFileGuard.HealthPrefix;

    private ParquetFileGuard damage = null!;

    /// <summary>Damaged files still to be dealt with (or every one ever found, with <paramref name="includeAccepted"/>).</summary>
    public IReadOnlyList<DamagedFile> DamagedFiles(bool includeAccepted = false) => Manifest.ListDamaged(includeAccepted);

    /// <summary>
    /// Lists a damaged file again once someone has put a good copy back at <c>data/telemetry/&lt;path&gt;</c> (from a
    /// backup): the file must read whole and hold the rows it was listed with. Clears its health warning.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a damaged file.</exception>
    /// <exception cref="InvalidDataException">The file is not back, does not read whole, or holds other rows.</exception>
    public DamagedFile RelistDamagedFile(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var record = Manifest.FindDamaged(path) ?? throw new ArgumentException($"{path} is not recorded as a damaged file", nameof(path));
        string file = Path.Combine(TelemetryRoot, path);
        if (damage.Check(path, cancellationToken) is { } problem)
        {
            throw new InvalidDataException($"data/telemetry/{path} cannot be listed again: {problem}. Put a good copy of it there first.");
        }

        long rows = damage.CountRows(path);
        if (rows != record.Listing.Rows)
        {
            throw new InvalidDataException(
                $"data/telemetry/{path} holds {rows} rows but was listed with {record.Listing.Rows}: it is not the file that was lost.");
        }

        Manifest.RelistDamaged(path, new FileInfo(file).Length);
        Health.Clear(ParquetFileGuard.HealthPrefix + path);
        return record;
    }

    /// <summary>Accepts that a damaged file's rows are lost: its health warning ends, its record stays.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not a damaged file.</exception>
    public DamagedFile AcceptDamagedFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Manifest.AcceptDamaged(path, DateTime.UtcNow))
        {
            throw new ArgumentException($"{path} is not recorded as a damaged file", nameof(path));
        }

        Health.Clear(ParquetFileGuard.HealthPrefix + path);
        return Manifest.FindDamaged(path)!;
    }

    /// <summary>
    /// Gives the readers the guard that takes damaged files out of their reads, and puts the damaged files recorded
    /// before this start back on the health board (which lives in memory).
    /// </summary>
    private void GuardReads()
    {
        damage = new ParquetFileGuard(Manifest, Engine, TelemetryRoot, Path.Combine(Data.QuarantineDir, "files"), Health, logger);
        Logs.Guard = damage;
        LogQueries.Guard = damage;
        damage.ReportRecorded();
    }
}

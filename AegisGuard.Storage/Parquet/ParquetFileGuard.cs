using System.Collections.Concurrent;
using System.Globalization;
using AegisGuard.Storage.Files;
using AegisGuard.Storage.Health;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.Parquet;

/// <summary>
/// Keeps one missing or damaged Parquet file from failing every read over its range. When a statement over listed
/// files fails, the guard finds the file to blame — the one DuckDB's error names, or else by reading each of the
/// statement's files whole — moves it to <c>data/quarantine/files/&lt;path&gt;</c>, takes it out of the file list with its
/// reason (<see cref="Manifest.RecordDamaged"/>), reports a health warning, and runs the statement again over the rest.
/// A file is blamed only when reading it on its own fails the way damage does (missing, truncated, undecodable): an
/// error of the statement itself (a bad pattern, memory) is rethrown and no file is touched.
/// </summary>
internal sealed class ParquetFileGuard
{
    /// <summary>Health condition keys of damaged files: this prefix and the file's path.</summary>
    public const string HealthPrefix = "storage.file:";

    // Reading every column of every row decodes every page, which is what a damaged column chunk fails.
    private const string ProbeSql = "SELECT sum(hash(COLUMNS(*))) FROM read_parquet($file)";

    private readonly Manifest manifest;
    private readonly DuckDbEngine engine;
    private readonly string telemetryRoot;
    private readonly string quarantineRoot;
    private readonly HealthConditions health;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly Lock quarantining = new();

    // Files that were read whole without error, with the size and time they had then: an error that names no file
    // does not make the guard read them again.
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified)> readable = new(StringComparer.Ordinal);

    public ParquetFileGuard(
        Manifest manifest, DuckDbEngine engine, string telemetryRoot, string quarantineRoot, HealthConditions health, ILogger logger, TimeProvider? time = null)
    {
        this.manifest = manifest;
        this.engine = engine;
        this.telemetryRoot = telemetryRoot;
        this.quarantineRoot = quarantineRoot;
        this.health = health;
        this.logger = logger;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Runs <paramref name="read"/> over <paramref name="files"/>; when it fails because some of them are damaged, those
    /// are quarantined and it runs again over the others (<paramref name="none"/> when none is left).
    /// </summary>
    public async Task<(T Result, IReadOnlyList<DamagedFile> Damaged)> ReadAsync<T>(
        IReadOnlyList<ManifestFile> files, Func<IReadOnlyList<ManifestFile>, CancellationToken, Task<T>> read, T none, CancellationToken cancellationToken)
    {
        var remaining = files.ToList();
        var damaged = new List<DamagedFile>();
        while (true)
        {
            if (remaining.Count == 0)
            {
                return (none, damaged);
            }

            try
            {
                return (await read(remaining, cancellationToken), damaged);
            }
            catch (DuckDBException error) when (!cancellationToken.IsCancellationRequested)
            {
                var blamed = await engine.QueryAsync((connection, ct) => Blame(connection, remaining, error, ct), cancellationToken);
                if (blamed.Count == 0)
                {
                    throw;
                }

                Exclude(remaining, damaged, blamed);
            }
        }
    }

    /// <summary>The synchronous form of <see cref="ReadAsync"/>, for compaction (which runs on its own connection).</summary>
    public (T Result, IReadOnlyList<DamagedFile> Damaged) Read<T>(
        IReadOnlyList<ManifestFile> files, Func<IReadOnlyList<ManifestFile>, T> read, T none, CancellationToken cancellationToken)
    {
        var remaining = files.ToList();
        var damaged = new List<DamagedFile>();
        while (true)
        {
            if (remaining.Count == 0)
            {
                return (none, damaged);
            }

            try
            {
                return (read(remaining), damaged);
            }
            catch (DuckDBException error)
            {
                List<(ManifestFile File, string Reason)> blamed;
                using (var connection = engine.OpenConnection())
                {
                    blamed = Blame(connection, remaining, error, cancellationToken);
                }

                if (blamed.Count == 0)
                {
                    throw;
                }

                Exclude(remaining, damaged, blamed);
            }
        }
    }

    /// <summary>Reports every damaged file still to be dealt with on the health board (the board lives in memory).</summary>
    public void ReportRecorded()
    {
        foreach (var file in manifest.ListDamaged())
        {
            health.Report(HealthPrefix + file.Path, HealthImpact.Warning, HealthReason(file));
        }
    }

    /// <summary>Null when <paramref name="file"/> (relative path) reads whole; else what is wrong with it.</summary>
    public string? Check(string file, CancellationToken cancellationToken)
    {
        using var connection = engine.OpenConnection();
        return Diagnose(connection, file, remember: false, cancellationToken);
    }

    /// <summary>Rows of a readable file (relative path).</summary>
    public long CountRows(string file)
    {
        using var connection = engine.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM read_parquet($file)";
        command.Parameters.Add(new DuckDBParameter("file", Absolute(file)));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>What the health board says about a damaged file: what is wrong, what was lost, and what to do.</summary>
    public static string HealthReason(DamagedFile file)
    {
        var listing = file.Listing;
        string where = file.QuarantinedAs is null
            ? "There was no file left to move aside."
            : $"It was moved to data/quarantine/files/{file.QuarantinedAs}.";
        string rows = listing.Rows.ToString("N0", CultureInfo.InvariantCulture);
        string org = listing.OrgId.ToString(CultureInfo.InvariantCulture);
        string day = listing.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return $"Parquet file data/telemetry/{listing.Path} ({rows} {Telemetry.SignalNames.Of(listing.Signal)} rows of org {org}, {day}) " +
            $"could not be read: {file.Reason}. {where} Queries answer without those rows. To get them back, restore the file from a " +
            $"backup to data/telemetry/{listing.Path} and re-list it (POST /api/storage/damaged-files/relist); or accept the " +
            "loss (POST /api/storage/damaged-files/accept).";
    }

    private void Exclude(List<ManifestFile> remaining, List<DamagedFile> damaged, List<(ManifestFile File, string Reason)> blamed)
    {
        foreach (var (file, reason) in blamed)
        {
            damaged.Add(Quarantine(file, reason));
            remaining.RemoveAll(f => f.Path == file.Path);
        }
    }

    /// <summary>The files of <paramref name="files"/> that are damaged, with what is wrong with each.</summary>
    private List<(ManifestFile File, string Reason)> Blame(
        DuckDBConnection connection, List<ManifestFile> files, DuckDBException error, CancellationToken cancellationToken)
    {
        // A file that is neither listed nor recorded as damaged was replaced by compaction or expired after this read
        // listed its files: it is not to blame, and the read fails as it would have (a rare race, past the grace period).
        files = files.Where(f => manifest.IsListed(f.Path) || manifest.FindDamaged(f.Path) is not null).ToList();

        // DuckDB names the file it could not open or decode in most errors ('…', "…"); check those first.
        var named = files.Where(f => Names(error.Message, Absolute(f.Path))).ToList();
        var blamed = new List<(ManifestFile, string)>();
        foreach (var file in named)
        {
            if (Diagnose(connection, file.Path, remember: true, cancellationToken) is { } reason)
            {
                blamed.Add((file, reason));
            }
        }

        if (blamed.Count > 0 || !MayBeDamage(error))
        {
            return blamed;
        }

        // Some errors name no file (a garbage footer gives "TProtocolException: Invalid data"): read each whole.
        foreach (var file in files.Except(named))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Diagnose(connection, file.Path, remember: true, cancellationToken) is { } reason)
            {
                blamed.Add((file, reason));
            }
        }

        if (blamed.Count == 0)
        {
            logger.LogWarning(error, "A read of {Count} Parquet files failed, but each of them reads whole on its own", files.Count);
        }
        else if (blamed.Count == files.Count && files.Count >= 3)
        {
            // Every file failing on its own points at the reader or the disk, not at the files: moving a whole range
            // aside is for a person to decide.
            logger.LogError(error, "Each of the {Count} Parquet files of a failed read fails on its own; none is moved aside", files.Count);
            return [];
        }

        return blamed;
    }

    private string? Diagnose(DuckDBConnection connection, string file, bool remember, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = new FileInfo(Absolute(file));
        if (!info.Exists)
        {
            return "the file is missing";
        }

        if (remember && readable.TryGetValue(file, out var known) && known == (info.Length, info.LastWriteTimeUtc))
        {
            return null;
        }

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = ProbeSql;
            command.Parameters.Add(new DuckDBParameter("file", info.FullName));
            command.ExecuteScalar();
        }
        catch (DuckDBException e) when (IsDamage(e))
        {
            return Describe(e, file);
        }
        catch (DuckDBException e)
        {
            logger.LogWarning(e, "Could not check Parquet file {Path}", file);
            return null;
        }

        readable[file] = (info.Length, info.LastWriteTimeUtc);
        return null;
    }

    private DamagedFile Quarantine(ManifestFile file, string reason)
    {
        lock (quarantining)
        {
            // A concurrent read may have blamed the same file a moment ago.
            if (!manifest.IsListed(file.Path) && manifest.FindDamaged(file.Path) is { } known)
            {
                return known;
            }

            string? movedTo = MoveAside(file.Path, ref reason);
            var now = time.GetUtcNow().UtcDateTime;
            manifest.RecordDamaged(file.Path, reason, movedTo, now);
            var record = manifest.FindDamaged(file.Path) ?? new DamagedFile { Listing = file, Reason = reason, QuarantinedAs = movedTo, DetectedAt = now };
            readable.TryRemove(file.Path, out _);
            health.Report(HealthPrefix + file.Path, HealthImpact.Warning, HealthReason(record));
            logger.LogError(
                "Damaged Parquet file {Path} ({Rows} rows of org {OrgId}, {Day}): {Reason}; moved to {QuarantinedAs} and unlisted",
                file.Path, file.Rows, file.OrgId, file.Day, reason, movedTo ?? "(nothing to move)");
            return record;
        }
    }

    /// <summary>Moves the file to the quarantine (never over an earlier one); null when there is nothing to move.</summary>
    private string? MoveAside(string file, ref string reason)
    {
        string source = Absolute(file);
        if (!File.Exists(source))
        {
            return null;
        }

        string relative = file;
        for (int n = 1; File.Exists(Path.Combine(quarantineRoot, relative)); n++)
        {
            relative = string.Create(CultureInfo.InvariantCulture, $"{file}.{n}");
        }

        string target = Path.Combine(quarantineRoot, relative);
        try
        {
            string folder = Path.GetDirectoryName(target)!;
            Directory.CreateDirectory(folder);
            File.Move(source, target);
            DirectorySync.Sync(folder);
            DirectorySync.Sync(Path.GetDirectoryName(source)!);
            return relative;
        }
        catch (IOException e)
        {
            // Still unlisted (queries stop failing on it); the record says it was left where it was.
            reason += $" (it could not be moved aside and is still at data/telemetry/{file}: {e.Message})";
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            reason += $" (it could not be moved aside and is still at data/telemetry/{file}: {e.Message})";
            return null;
        }
    }

    private string Absolute(string file) => Path.Combine(telemetryRoot, file);

    private string Describe(DuckDBException error, string file)
    {
        // DuckDB's first line says what failed; the absolute path is replaced so the reason reads the same anywhere.
        string line = error.Message.Split('\n')[0].Trim().Replace(Absolute(file), file, StringComparison.Ordinal);
        return $"reading it failed ({line})";
    }

    private static bool Names(string message, string path) =>
        message.Contains($"\"{path}\"", StringComparison.Ordinal) || message.Contains($"'{path}'", StringComparison.Ordinal);

    // Errors of a statement over files that damage can explain; a binder or parser error is the statement's own.
    private static bool MayBeDamage(DuckDBException error) => error.ErrorType is
        DuckDBErrorType.Io or DuckDBErrorType.InvalidInput or DuckDBErrorType.Invalid or DuckDBErrorType.Serialization
        or DuckDBErrorType.Conversion or DuckDBErrorType.OutOfRange or DuckDBErrorType.Internal or DuckDBErrorType.UnknownType;

    // A file read on its own fails like this when its bytes are bad (truncated: "No magic bytes", undecodable: "ZSTD
    // Decompression failure", "TProtocolException"). An I/O error of a file that exists (EIO, EACCES, EMFILE) may pass
    // and is the disk's or the machine's, as are memory and interrupts: those move nothing. A missing file is found by
    // looking for it, not by reading it.
    private static bool IsDamage(DuckDBException error) => error.ErrorType is
        DuckDBErrorType.InvalidInput or DuckDBErrorType.Invalid or DuckDBErrorType.Serialization or DuckDBErrorType.Conversion
        or DuckDBErrorType.OutOfRange;
}

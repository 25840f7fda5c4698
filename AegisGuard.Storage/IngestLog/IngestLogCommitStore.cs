using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AegisGuard.Storage.Files;
using FASTER.core;
using Microsoft.Extensions.Logging;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// Where FASTER's commits (begin, durable-until and reader positions) are kept, replacing FASTER's default manager,
/// which ignored write errors: on a full disk it left a 0-byte commit file and then deleted the previous good one, and
/// the log came back EMPTY. Here each commit is written to a temporary file, fsynced, renamed and its folder fsynced,
/// with a magic, a version and SHA-256; the newest <c>keep</c> commits stay, and older ones are deleted only after a
/// newer one is durable. A failed write throws (after telling <see cref="Failed"/>): FASTER then does not advance its
/// committed address (it updates it only after the manager returns), so nothing is acknowledged on top of it, and every
/// older commit is still on disk. FASTER's own files (<c>log-commits/commit.N.0</c>) are read too, so a data directory
/// of an older version recovers; they are pruned like any other once newer commits are durable.
/// </summary>
internal sealed partial class IngestLogCommitStore : ILogCommitManager
{
    public const string FolderName = "commits";
    public const string LegacyFolderName = "log-commits";
    private const string DamagedFolderName = "damaged";
    private const int FormatVersion = 1;
    private const int HeaderBytes = 8 + 4 + 8 + 8 + 8 + 4;
    private const int HashBytes = 32;

    private readonly string ingestDirectory;
    private readonly string folder;
    private readonly int keep;
    private readonly Action<long>? beforeWrite;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly SortedDictionary<long, string> durable = [];
    private readonly List<IngestLogCommitFile> damaged;
    private readonly int segmentSizeBits;
    private (long Number, byte[] Bytes)? pending;
    private long syncedSegment = -1;

    /// <summary>Takes over the commits <paramref name="scanned"/> at open: the valid ones are kept and pruned, the damaged ones moved aside once superseded.</summary>
    public IngestLogCommitStore(string ingestDirectory, int segmentSizeBits, IReadOnlyList<IngestLogCommitFile> scanned, int keep, Action<long>? beforeWrite,
        TimeProvider time, ILogger logger)
    {
        this.ingestDirectory = ingestDirectory;
        this.segmentSizeBits = segmentSizeBits;
        folder = Path.Combine(ingestDirectory, FolderName);
        this.keep = Math.Max(1, keep);
        this.beforeWrite = beforeWrite;
        this.time = time;
        this.logger = logger;
        foreach (var file in scanned.Where(f => f.IsValid))
        {
            durable.TryAdd(file.Number, file.Path);
        }

        damaged = scanned.Where(f => !f.IsValid).ToList();
    }

    /// <summary>Called with the failure before a commit write throws, so the log can report it and recover.</summary>
    public Action<Exception>? Failed { get; set; }

    /// <summary>The newest valid commit number known, or 0 when there is none.</summary>
    public long Newest
    {
        get
        {
            lock (gate)
            {
                long newest = durable.Count == 0 ? 0 : durable.Keys.Max();
                return pending is { } p ? Math.Max(newest, p.Number) : newest;
            }
        }
    }

    /// <summary>Every commit file in <paramref name="ingestDirectory"/>, newest first, each with its verdict. Leftover temporary files are deleted.</summary>
    public static IReadOnlyList<IngestLogCommitFile> Scan(string ingestDirectory)
    {
        var files = new List<IngestLogCommitFile>();
        string folder = Path.Combine(ingestDirectory, FolderName);
        if (Directory.Exists(folder))
        {
            foreach (string path in Directory.EnumerateFiles(folder))
            {
                string name = Path.GetFileName(path);
                if (name.EndsWith(".tmp", StringComparison.Ordinal))
                {
                    TryDelete(path); // a write that never reached its rename: never a commit
                }
                else if (CommitName().Match(name) is { Success: true } match &&
                         long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                {
                    files.Add(Read(number, path));
                }
            }
        }

        string legacy = Path.Combine(ingestDirectory, LegacyFolderName);
        if (Directory.Exists(legacy))
        {
            foreach (string path in Directory.EnumerateFiles(legacy))
            {
                if (LegacyCommitName().Match(Path.GetFileName(path)) is { Success: true } match &&
                    long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long number))
                {
                    files.Add(ReadLegacy(number, path));
                }
            }
        }

        return files.OrderByDescending(f => f.Number).ThenBy(f => f.Legacy).ToList();
    }

    /// <summary>
    /// Writes, syncs and deletes a small file where commits go: proof that the disk takes writes again before a failed
    /// log is reopened (a free-space figure alone does not show an I/O error has cleared). Throws when it does not.
    /// </summary>
    public static void Probe(string ingestDirectory, Action<long>? beforeWrite)
    {
        beforeWrite?.Invoke(-1);
        string folder = Path.Combine(ingestDirectory, FolderName);
        DirectorySync.CreateDurably(ingestDirectory, folder);
        string path = Path.Combine(folder, "probe.tmp");
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
            stream.Write(new byte[4096]);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            TryDelete(path);
        }
    }

    /// <summary>
    /// Writes a commit decided by this code (a repair at open) durably. False when the disk refuses: the commit is then
    /// served from memory for this open (<see cref="Serve"/>) and decided again at the next one.
    /// </summary>
    public bool TryWrite(FasterCommitMetadata commit, out Exception? error)
    {
        try
        {
            Write(commit.CommitNumber, commit.BeginAddress, commit.UntilAddress, commit.ToBytes());
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex;
            return false;
        }
    }

    /// <summary>Makes FASTER recover from <paramref name="commit"/> although it is not on disk (see <see cref="TryWrite"/>).</summary>
    public void Serve(FasterCommitMetadata commit)
    {
        lock (gate)
        {
            pending = (commit.CommitNumber, commit.ToBytes());
        }
    }

    /// <inheritdoc />
    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        try
        {
            Write(commitNum, beginAddress, untilAddress, commitMetadata);
        }
        catch (Exception ex)
        {
            Failed?.Invoke(ex);
            throw;
        }
    }

    /// <inheritdoc />
    public byte[] GetCommitMetadata(long commitNum)
    {
        string? path;
        lock (gate)
        {
            if (pending is { } p && p.Number == commitNum)
            {
                return p.Bytes;
            }

            path = durable.GetValueOrDefault(commitNum);
        }

        if (path is null)
        {
            return null!; // FASTER skips a commit whose metadata is null and tries the next one
        }

        var file = path.Contains(Path.DirectorySeparatorChar + LegacyFolderName + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? ReadLegacy(commitNum, path)
            : Read(commitNum, path);
        if (!file.IsValid)
        {
            logger.LogError("Ingest log commit file {File} became unreadable: {Problem}", path, file.Problem);
        }

        return file.Bytes!;
    }

    /// <inheritdoc />
    public IEnumerable<long> ListCommits()
    {
        lock (gate)
        {
            var numbers = durable.Keys.ToList();
            if (pending is { } p)
            {
                numbers.Add(p.Number);
            }

            return numbers.Distinct().OrderDescending().ToList();
        }
    }

    /// <inheritdoc />
    public void RemoveCommit(long commitNum)
    {
        lock (gate)
        {
            if (durable.Remove(commitNum, out string? path))
            {
                TryDelete(path);
            }
        }
    }

    /// <inheritdoc />
    public void RemoveAllCommits()
    {
        foreach (long number in ListCommits())
        {
            RemoveCommit(number);
        }
    }

    /// <inheritdoc />
    public void OnRecovery(long commitNum) => logger.LogDebug("Ingest log recovered from commit {Commit}", commitNum);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Write(long number, long begin, long until, byte[] metadata)
    {
        lock (gate)
        {
            beforeWrite?.Invoke(number);
            byte[] bytes = Encode(number, begin, until, metadata);
            string final = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"commit.{number}"));
            string temp = final + ".tmp";
            try
            {
                DirectorySync.CreateDurably(ingestDirectory, folder);
                // FASTER never syncs the folder when it creates a segment file: do it before the first commit that
                // points into a new segment, so a commit never survives a power cut that the segment's name did not.
                long segment = Math.Max(0, until - 1) >> segmentSizeBits;
                if (segment > syncedSegment)
                {
                    DirectorySync.Sync(ingestDirectory);
                    syncedSegment = segment;
                }

                // Unbuffered: the bytes go to the file in one write, then fsync; only a complete, synced file is renamed.
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None))
                {
                    stream.Write(bytes);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, final, overwrite: true);
                DirectorySync.Sync(folder);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }

            durable[number] = final;
            if (pending is { } p && p.Number <= number)
            {
                pending = null;
            }

            Prune(number);
        }
    }

    /// <summary>After commit <paramref name="newest"/> is durable: older commits beyond the newest kept ones go, damaged ones move aside.</summary>
    private void Prune(long newest)
    {
        foreach (long number in durable.Keys.OrderDescending().Skip(keep).ToList())
        {
            TryDelete(durable[number]);
            durable.Remove(number);
        }

        foreach (var file in damaged.Where(f => f.Number <= newest).ToList())
        {
            damaged.Remove(file);
            if (file.Number == newest && !file.Legacy)
            {
                continue; // the rename just replaced it
            }

            try
            {
                string aside = Path.Combine(folder, DamagedFolderName);
                Directory.CreateDirectory(aside);
                string stamp = time.GetUtcNow().ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture);
                File.Move(file.Path, Path.Combine(aside, $"{Path.GetFileName(file.Path)}.{stamp}"), overwrite: true);
                logger.LogWarning("Moved the damaged ingest log commit file {File} to {Folder} ({Problem})", file.Path, aside, file.Problem);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not move the damaged ingest log commit file {File} aside", file.Path);
            }
        }

        string legacy = Path.Combine(ingestDirectory, LegacyFolderName);
        if (Directory.Exists(legacy) && !durable.Values.Any(p => p.StartsWith(legacy, StringComparison.Ordinal)) &&
            !Directory.EnumerateFileSystemEntries(legacy).Any())
        {
            try
            {
                Directory.Delete(legacy);
            }
            catch (IOException)
            {
            }
        }
    }

    private static byte[] Encode(long number, long begin, long until, byte[] metadata)
    {
        byte[] bytes = new byte[HeaderBytes + metadata.Length + HashBytes];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], number);
        BinaryPrimitives.WriteInt64LittleEndian(span[20..], begin);
        BinaryPrimitives.WriteInt64LittleEndian(span[28..], until);
        BinaryPrimitives.WriteInt32LittleEndian(span[36..], metadata.Length);
        metadata.CopyTo(span[HeaderBytes..]);
        SHA256.HashData(span[..(HeaderBytes + metadata.Length)], span[(HeaderBytes + metadata.Length)..]);
        return bytes;
    }

    private static IngestLogCommitFile Read(long number, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Damaged(number, path, legacy: false, $"cannot be read ({ex.Message})");
        }

        if (bytes.Length < HeaderBytes + HashBytes)
        {
            return Damaged(number, path, legacy: false, bytes.Length == 0 ? "is empty (0 bytes)" : $"is only {bytes.Length} bytes long");
        }

        var span = bytes.AsSpan();
        if (!span[..8].SequenceEqual(Magic))
        {
            return Damaged(number, path, legacy: false, "does not start with the commit file marker (overwritten or not a commit file)");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        if (version != FormatVersion)
        {
            return Damaged(number, path, legacy: false, $"has unknown format version {version}");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(span[36..]);
        if (length < 0 || HeaderBytes + (long)length + HashBytes != bytes.Length)
        {
            return Damaged(number, path, legacy: false, $"is {bytes.Length} bytes long but its header describes {HeaderBytes + (long)length + HashBytes}");
        }

        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(span[..(HeaderBytes + length)], hash);
        if (!hash.SequenceEqual(span[(HeaderBytes + length)..]))
        {
            return Damaged(number, path, legacy: false, "fails its SHA-256 checksum (the file is damaged)");
        }

        long stored = BinaryPrimitives.ReadInt64LittleEndian(span[12..]);
        byte[] metadata = span.Slice(HeaderBytes, length).ToArray();
        var parsed = FasterCommitMetadata.TryParse(metadata, out string? problem);
        if (parsed is null)
        {
            return Damaged(number, path, legacy: false, problem!);
        }

        if (stored != number || (parsed.CommitNumber != -1 && parsed.CommitNumber != number))
        {
            return Damaged(number, path, legacy: false, $"holds commit {stored} ({parsed.CommitNumber}) under the name of commit {number}");
        }

        return new IngestLogCommitFile(number, path, Legacy: false, metadata, parsed, Problem: null);
    }

    private static IngestLogCommitFile ReadLegacy(long number, string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Damaged(number, path, legacy: true, $"cannot be read ({ex.Message})");
        }

        if (bytes.Length < sizeof(int))
        {
            return Damaged(number, path, legacy: true, bytes.Length == 0
                ? "is empty (0 bytes; FASTER leaves such a file when a commit write fails, e.g. on a full disk)"
                : $"is only {bytes.Length} bytes long");
        }

        int size = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (size <= 0 || sizeof(int) + (long)size > bytes.Length)
        {
            return Damaged(number, path, legacy: true, $"claims {size} bytes of metadata in a file of {bytes.Length} bytes");
        }

        byte[] metadata = bytes.AsSpan(sizeof(int), size).ToArray();
        var parsed = FasterCommitMetadata.TryParse(metadata, out string? problem);
        return parsed is null
            ? Damaged(number, path, legacy: true, problem!)
            : new IngestLogCommitFile(number, path, Legacy: true, metadata, parsed, Problem: null);
    }

    private static IngestLogCommitFile Damaged(long number, string path, bool legacy, string problem) =>
        new(number, path, legacy, Bytes: null, Metadata: null, problem);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static ReadOnlySpan<byte> Magic => "AEGLOGC1"u8;

    [GeneratedRegex(@"^commit\.(\d{1,18})$")]
    private static partial Regex CommitName();

    [GeneratedRegex(@"^commit\.(\d{1,18})\.0$")]
    private static partial Regex LegacyCommitName();
}

using System.Globalization;
using System.Text;
using AegisGuard.Storage.Files;

namespace AegisGuard.Storage.Metadata;

/// <summary>
/// The audit chain's head log, <c>audit.head</c> beside meta.db: one line per advance, <c>seq hash prev_seq prev_hash</c>,
/// appended and fsynced, never rewritten. The chain alone shows an edited, reordered or deleted row, but not that the
/// newest rows were cut off or that a whole new chain was put in place; the head log does, for anyone who can change the
/// database but not this file. A line is appended only after the entry commits (a crash in between leaves it one entry
/// behind, never ahead) and only when meta.db's chain still holds the previous head at its place: a chain that lost
/// its history is never anchored, so the break stays visible however long the new chain grows.
/// </summary>
internal sealed class AuditAnchor(string path)
{
    /// <summary>The file's name beside meta.db.</summary>
    public const string FileName = "audit.head";

    private const string ReanchorMark = "reanchor";

    // Enough for hundreds of lines: the newest complete line is all an advance needs.
    private const int TailBytes = 64 * 1024;

    public string Path { get; } = path;

    public bool Exists => File.Exists(Path);

    /// <summary>Every record, in file order (streamed; for the full verification).</summary>
    public IEnumerable<AuditHeadRecord> ReadAll()
    {
        FileStream file;
        try
        {
            file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }

        using (file)
        using (var reader = new StreamReader(file, Encoding.UTF8))
        {
            long line = 0;
            while (reader.ReadLine() is { } text)
            {
                line++;
                if (text.Length > 0)
                {
                    yield return Parse(line, text);
                }
            }
        }
    }

    /// <summary>The records of the last 64 KiB (line numbers counted from the first of them), for the fast start-up check.</summary>
    public IReadOnlyList<AuditHeadRecord> ReadTail()
    {
        try
        {
            using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ParseTail(file);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    /// <summary>The newest recorded head, or null when there is no anchor file or no line in it.</summary>
    public AuditHead? Read() => ReadTail() is [.., var last] ? last.Head : null;

    /// <summary>Creates the empty head log of a new audit chain, so a later missing file means it was deleted.</summary>
    public void CreateEmpty()
    {
        using (new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
        }

        DirectorySync.Sync(Directory());
    }

    /// <summary>
    /// Records <paramref name="head"/> after the newest line, provided the chain still holds that line's head
    /// (<paramref name="hashAt"/> gives meta.db's hash at a sequence number, null when there is no such entry).
    /// Returns null when it recorded it or the log already names it or a later entry of the same chain; otherwise why
    /// the chain does not continue the anchored one (nothing is written then).
    /// </summary>
    public string? Advance(AuditHead head, Func<long, string?> hashAt)
    {
        using var file = OpenLocked();
        if (file is null)
        {
            return head.Seq == 1 ? Append(null, head, reanchor: false) : Missing(head.Seq - 1);
        }

        var last = ParseTail(file) is [.., var l] ? l : null;
        if (last is null)
        {
            return head.Seq == 1 ? Append(file, head, reanchor: false) : Missing(head.Seq - 1);
        }

        if (last.Seq < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"line {last.Line} of the tail of {FileName} is unreadable");
        }

        string? chainHash = last.Seq == head.Seq ? head.Hash : hashAt(last.Seq);
        if (!string.Equals(chainHash, last.Hash, StringComparison.Ordinal))
        {
            return chainHash is null
                ? string.Create(CultureInfo.InvariantCulture, $"{FileName} records entry {last.Seq}, but meta.db holds no entry {last.Seq} (the newest rows were deleted, or meta.db was replaced)")
                : string.Create(CultureInfo.InvariantCulture, $"entry {last.Seq} is not the entry {FileName} recorded (the chain was rebuilt, or meta.db was replaced)");
        }

        return last.Seq >= head.Seq ? null : Append(file, head, reanchor: false, last);
    }

    /// <summary>Appends <paramref name="head"/> as a re-anchoring: an operator declared the history the log no longer matches lost.</summary>
    public void Reanchor(AuditHead head)
    {
        using var file = OpenLocked();
        var last = file is null ? null : ParseTail(file) is [.., var l] ? l : null;
        Append(file, head, reanchor: true, last);
    }

    private string Missing(long newest) => string.Create(CultureInfo.InvariantCulture,
        $"{FileName} is missing or empty, but meta.db holds entries 1 to {newest} (the file was deleted, perhaps with the newest rows)");

    private string? Append(FileStream? file, AuditHead head, bool reanchor, AuditHeadRecord? previous = null)
    {
        bool created = file is null;
        file ??= new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var text = new StringBuilder();
            if (file.Length > 0)
            {
                // A line torn by a crash mid-write is left as it is (it reads as unreadable) but never glued to the next.
                file.Position = file.Length - 1;
                if (file.ReadByte() != '\n')
                {
                    text.Append('\n');
                }
            }

            text.Append(CultureInfo.InvariantCulture, $"{head.Seq} {head.Hash} {previous?.Seq ?? 0} {previous?.Hash ?? AuditChain.Genesis}");
            if (reanchor)
            {
                text.Append(' ').Append(ReanchorMark);
            }

            text.Append('\n');
            file.Position = file.Length;
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }
        finally
        {
            if (created)
            {
                file.Dispose();
            }
        }

        if (created)
        {
            DirectorySync.Sync(Directory());
        }

        return null;
    }

    /// <summary>
    /// The file opened for writing with an exclusive lock (on Unix .NET takes an advisory flock for FileShare.None), so
    /// the server and the CLI never interleave their appends; null when it does not exist.
    /// </summary>
    private FileStream? OpenLocked()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5); // another process appends right now: a few milliseconds
            }
        }
    }

    private string Directory() => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    private static List<AuditHeadRecord> ParseTail(FileStream file)
    {
        long start = Math.Max(0, file.Length - TailBytes);
        file.Position = start;
        var buffer = new byte[file.Length - start];
        file.ReadExactly(buffer);
        string text = Encoding.UTF8.GetString(buffer);
        if (start > 0)
        {
            int newline = text.IndexOf('\n', StringComparison.Ordinal);
            text = newline < 0 ? string.Empty : text[(newline + 1)..];
        }

        int end = text.LastIndexOf('\n');
        text = end < 0 ? string.Empty : text[..end]; // an unterminated last line was never completely written
        var records = new List<AuditHeadRecord>();
        long line = 0;
        foreach (string part in text.Split('\n'))
        {
            line++;
            if (part.Length > 0)
            {
                records.Add(Parse(line, part));
            }
        }

        return records;
    }

    private static AuditHeadRecord Parse(long line, string text)
    {
        string[] parts = text.Trim().Split(' ');
        if (parts.Length >= 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long seq) && IsHash(parts[1]))
        {
            if (parts.Length == 2)
            {
                return new AuditHeadRecord(line, seq, parts[1], -1, string.Empty, false); // written before heads carried their predecessor
            }

            if (parts.Length is 4 or 5 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long prevSeq) && IsHash(parts[3]) &&
                (parts.Length == 4 || parts[4] == ReanchorMark))
            {
                return new AuditHeadRecord(line, seq, parts[1], prevSeq, parts[3], parts.Length == 5);
            }
        }

        return new AuditHeadRecord(line, -1, string.Empty, -1, string.Empty, false);
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);
}

using System.Globalization;
using AegisGuard.Storage.Files;

namespace AegisGuard.Storage.Metadata;

/// <summary>
/// The audit chain's head — sequence number and hash of the newest entry — kept in <c>audit.head</c> beside
/// meta.db. The chain alone shows an edited, reordered or deleted row, but not that the newest rows were cut off;
/// the anchor does, for anyone who can change the database but not this file. It only ever moves forward, and is
/// written after the entry commits: a crash in between leaves it one entry behind, never ahead (no false alarm).
/// </summary>
internal sealed class AuditAnchor(string path)
{
    /// <summary>The file's name beside meta.db.</summary>
    public const string FileName = "audit.head";

    public string Path { get; } = path;

    /// <summary>The recorded head, or null when there is no anchor file.</summary>
    public AuditHead? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        string[] parts = text.Trim().Split(' ');
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long seq)
            ? new AuditHead(seq, parts[1])
            : new AuditHead(-1, text.Trim());
    }

    /// <summary>Records <paramref name="head"/> unless the file already names the same or a later entry.</summary>
    public void Advance(AuditHead head)
    {
        if (Read() is { } current && current.Seq >= head.Seq)
        {
            return;
        }

        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        string temp = System.IO.Path.Combine(directory, "." + FileName + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp");
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{head.Seq} {head.Hash}\n"));
            writer.Flush();
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
        DirectorySync.Sync(directory);
    }
}

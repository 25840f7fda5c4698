using System.Text.Json;
using AegisGuard.Storage.Files;

namespace AegisGuard.Storage;

/// <summary>
/// <c>data/instance.json</c>: written once, right after the first initialisation created meta.db, and never changed.
/// It lets start-up tell "a new data directory" from "a data directory whose meta.db was lost" even when nothing else
/// was written yet. Data directories made before the marker existed get one at their next start.
/// </summary>
public static class InstanceMarker
{
    /// <summary>
    /// Writes the marker unless it exists (atomically: temp file, fsync, rename). Returns true when it was written now.
    /// </summary>
    public static bool EnsureWritten(DataDirectory data, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(time);
        if (File.Exists(data.InstanceFile))
        {
            return false;
        }

        // A name of its own: the CLI and the server may both get here first on a new directory.
        string temp = $"{data.InstanceFile}.{Guid.NewGuid():N}.tmp";
        var marker = new { id = Guid.NewGuid().ToString("N"), createdAt = time.GetUtcNow().UtcDateTime.ToString("O") };
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, marker);
            file.Flush(flushToDisk: true);
        }

        try
        {
            File.Move(temp, data.InstanceFile, overwrite: false);
        }
        catch (IOException) when (File.Exists(data.InstanceFile))
        {
            File.Delete(temp); // the other writer won; one marker is what matters
            return false;
        }

        DirectorySync.Sync(data.Root);
        return true;
    }
}

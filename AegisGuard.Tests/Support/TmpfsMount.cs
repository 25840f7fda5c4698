using System.Diagnostics;

namespace AegisGuard.Tests.Support;

/// <summary>
/// A small filesystem of its own for one test (tmpfs, needs root), so a disk can really fill up. A filler file takes
/// space away and gives it back, the way an operator frees space. Unmounted (lazily, in case a killed process still
/// holds files) and removed on dispose.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private readonly TempDirectory root = new();
    private int fillers;

    public TmpfsMount(long bytes)
    {
        Path = System.IO.Path.Combine(root.Path, "disk");
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", Path);
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes filler files until at most <paramref name="leave"/> bytes are free (0: until the disk refuses).</summary>
    public void Fill(long leave = 0)
    {
        string file = System.IO.Path.Combine(Path, $"filler-{fillers++}.bin");
        byte[] chunk = new byte[64 * 1024];
        Random.Shared.NextBytes(chunk); // tmpfs does not compress, but keep it honest for other filesystems
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (FreeBytes > leave)
            {
                int size = (int)Math.Min(chunk.Length, Math.Max(4096, FreeBytes - leave));
                stream.Write(chunk, 0, size);
            }
        }
        catch (IOException)
        {
            // The disk is full: that is what was asked for.
        }
    }

    /// <summary>Deletes every filler file: the space comes back.</summary>
    public void Release()
    {
        foreach (string file in Directory.EnumerateFiles(Path, "filler-*.bin"))
        {
            File.Delete(file);
        }
    }

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
        }
        finally
        {
            root.Dispose();
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}

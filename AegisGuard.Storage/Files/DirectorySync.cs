using System.Runtime.InteropServices;

namespace AegisGuard.Storage.Files;

/// <summary>
/// fsync of a directory, so a rename or a new file name inside it survives a power loss, not only a process crash.
/// .NET has no API for it (a directory cannot be opened as a FileStream), so on Linux and macOS this calls libc's
/// open/fsync/close; elsewhere it does nothing (NTFS journals the metadata itself).
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk. Throws <see cref="IOException"/> when it fails.</summary>
    public static void Sync(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        int fd = NativeMethods.Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> (and missing parents) below <paramref name="root"/> durably: every parent
    /// that gained a new entry is synced. Existing directories cost one <see cref="Directory.Exists(string)"/>.
    /// </summary>
    public static void CreateDurably(string root, string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        string? parent = Path.GetDirectoryName(directory);
        if (parent is not null && !string.Equals(Path.GetFullPath(directory), Path.GetFullPath(root), StringComparison.Ordinal))
        {
            CreateDurably(root, parent);
        }

        Directory.CreateDirectory(directory);
        if (parent is not null)
        {
            Sync(parent);
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);
    }
}

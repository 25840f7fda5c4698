using AegisGuard.Storage.Files;
using AegisGuard.Tests.Support;

namespace AegisGuard.Tests.Storage;

/// <summary>
/// The directory fsync behind durable renames. A power cut cannot be simulated here; these tests prove the calls
/// reach the OS and report its errors instead of ignoring them.
/// </summary>
public sealed class DirectorySyncTests
{
    [Fact]
    public void Creating_a_partition_folder_makes_every_missing_level_and_syncs_without_error()
    {
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Path, "logs", "org=1", "day=2026-11-25");

        DirectorySync.CreateDurably(dir.Path, folder);
        DirectorySync.CreateDurably(dir.Path, folder); // existing: nothing to do
        DirectorySync.Sync(folder);

        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void Syncing_a_directory_that_does_not_exist_is_an_error_not_a_silent_success()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<IOException>(() => DirectorySync.Sync(Path.Combine(dir.Path, "missing")));

        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }
}

using System.Globalization;

namespace AegisGuard.Storage.IngestLog;

/// <summary>
/// Turns a failure of the log into the reason people read on /healthz: what is wrong and what to do. FASTER reports a
/// failed segment write only as an error code (uint.MaxValue for every I/O error on Linux), so a full disk is recognised
/// by the exception where there is one and by the free space left otherwise.
/// </summary>
internal static class IngestLogFaults
{
    private const int Enospc = 28;
    private const int ErrorDiskFull = 112;
    private const int ErrorHandleDiskFull = 39;

    /// <summary>Free bytes on the disk holding <paramref name="directory"/>, or long.MaxValue when it cannot be told.</summary>
    public static long FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    public static bool IsDiskFull(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is IOException io && ((io.HResult & 0xFFFF) is Enospc or ErrorDiskFull or ErrorHandleDiskFull ||
                io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) ||
                io.Message.Contains("disk full", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsDiskFull))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The reason for a failure while <paramref name="doing"/> (e.g. "writing a commit file").</summary>
    public static string Describe(Exception? exception, string doing, string directory, long resumeBytes)
    {
        long free = FreeBytes(directory);
        if (IsDiskFull(exception) || free < IngestLogOptions.FullDiskBytes)
        {
            return DiskFull(directory, free, resumeBytes);
        }

        string detail = exception is null ? "no detail" : exception.Message;
        return $"the ingest log failed while {doing} ({detail}); ingestion answers 503 while the log reopens itself from its last durable commit. " +
            $"If this repeats, check the disk holding {directory} (kernel log, SMART)";
    }

    public static string DiskFull(string directory, long free, long resumeBytes) =>
        $"the data disk is full ({Bytes(free)} free in {directory}): the ingest log cannot make batches durable, so ingestion answers 503. " +
        $"It resumes by itself once {Bytes(resumeBytes)} are free: free space on the data disk or grow it";

    public static string Bytes(long bytes) => bytes switch
    {
        long.MaxValue => "unknown space",
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}

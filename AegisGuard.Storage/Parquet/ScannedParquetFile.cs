namespace AegisGuard.Storage.Parquet;

/// <summary>
/// A Parquet file found under the telemetry root while rebuilding the manifest: its parsed name and what DuckDB read
/// from it, or why it cannot be listed (<see cref="Problem"/>: an unknown name, an unreadable file, rows of another org).
/// </summary>
internal sealed record ScannedParquetFile(string Path, ParquetFileName? Name, long Rows, DateTime MinTimestamp, DateTime MaxTimestamp, long Bytes, string? Problem)
{
    public static ScannedParquetFile Unusable(string path, ParquetFileName? name, string problem) =>
        new(path, name, 0, default, default, 0, problem);

    /// <summary>The manifest row this file gets when it is listed.</summary>
    public ManifestFile ToManifestFile() => new()
    {
        Path = Path,
        Signal = Name!.Partition.Signal,
        OrgId = Name.Partition.OrgId,
        Day = Name.Partition.Day,
        MinTimestamp = MinTimestamp,
        MaxTimestamp = MaxTimestamp,
        Rows = Rows,
        Bytes = Bytes,
        FirstAddress = Name.FirstAddress,
        NextAddress = Name.NextAddress,
        Level = Name.Compacted ? "compacted" : "fresh",
    };
}

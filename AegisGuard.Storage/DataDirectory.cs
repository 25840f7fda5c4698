namespace AegisGuard.Storage;

/// <summary>
/// The layout of one AegisGuard data directory. Everything the appliance keeps lives below <see cref="Root"/>:
/// <c>meta.db</c> (SQLite metadata), <c>manifest.db</c> (the list of queryable Parquet files),
/// <c>ingest/</c> (the FASTER ingest log), <c>telemetry/</c> (Parquet partitions) and <c>keys/</c>
/// (the key ring that encrypts API-key secrets).
/// </summary>
public sealed class DataDirectory
{
    /// <summary>Creates the layout for <paramref name="root"/>; call <see cref="EnsureCreated"/> before use.</summary>
    public DataDirectory(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The absolute path of the data directory.</summary>
    public string Root { get; }

    /// <summary>SQLite database holding orgs, keys, idempotency records and (later) users and audit.</summary>
    public string MetaDb => Path.Combine(Root, "meta.db");

    /// <summary>SQLite database with one row per queryable Parquet file.</summary>
    public string ManifestDb => Path.Combine(Root, "manifest.db");

    /// <summary>Folder of the FASTER ingest log: segments, commit metadata and iterator positions.</summary>
    public string IngestDir => Path.Combine(Root, "ingest");

    /// <summary>Root of the Parquet partitions: <c>telemetry/&lt;signal&gt;/org=&lt;id&gt;/day=&lt;yyyy-MM-dd&gt;/</c>.</summary>
    public string TelemetryDir => Path.Combine(Root, "telemetry");

    /// <summary>Key ring of ASP.NET Data Protection, used to encrypt API-key secrets at rest.</summary>
    public string KeysDir => Path.Combine(Root, "keys");

    /// <summary>
    /// The instance marker (<c>instance.json</c>: an id and the creation time), written once meta.db exists. Its presence
    /// says "this directory already holds an appliance", so a missing meta.db is a loss to report, never a fresh start.
    /// </summary>
    public string InstanceFile => Path.Combine(Root, "instance.json");

    /// <summary>Scratch space where DuckDB spills sorts that exceed its memory limit.</summary>
    public string SpillDir => Path.Combine(Root, "tmp");

    /// <summary>
    /// What could not be processed, kept with its reason instead of being dropped: <c>records/</c> (ingest log records the
    /// pipeline could not store) and <c>files/</c> (damaged Parquet files moved aside).
    /// </summary>
    public string QuarantineDir => Path.Combine(Root, "quarantine");

    /// <summary>Creates the directory tree if it does not exist yet.</summary>
    public void EnsureCreated()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(IngestDir);
        Directory.CreateDirectory(TelemetryDir);
        Directory.CreateDirectory(KeysDir);
        Directory.CreateDirectory(SpillDir);
    }
}

using AegisGuard.Storage.Sqlite;

namespace AegisGuard.Storage;

/// <summary>
/// What start-up (and every CLI verb) checks before it opens meta.db, so that a lost or damaged metadata database is
/// reported instead of silently replaced. A new meta.db over an existing data directory would re-create org
/// <c>default</c> and the first admin with the documented password over the old telemetry: whoever signed in first
/// would read the old org's data. Each refusal is a <see cref="StartupRefusedException"/> naming the file, the problem
/// and the remedy.
/// </summary>
public static class DataDirectoryCheck
{
    /// <summary>
    /// The tables start-up does not check page by page: they grow without bound (the audit log by ~1 M rows per busy
    /// month, idempotency records with the ingest rate), and a full check costs about a second per million rows. The
    /// whole file is checked in the background after start (and by <c>audit verify</c>); damage found there makes the
    /// appliance not ready instead.
    /// </summary>
    public static readonly IReadOnlySet<string> LargeTables = new HashSet<string>(StringComparer.Ordinal) { "audit_log", "idempotency" };

    /// <summary>
    /// Refuses (throws <see cref="StartupRefusedException"/>) when meta.db is missing although the directory already
    /// holds an appliance, or when meta.db fails SQLite's <c>quick_check</c> (of every table but <see cref="LargeTables"/>
    /// unless <paramref name="wholeFile"/>). Does nothing on a new directory.
    /// </summary>
    public static void EnsureMetadataUsable(DataDirectory data, bool wholeFile = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!File.Exists(data.MetaDb))
        {
            if (FindEvidenceOfUse(data) is { } evidence)
            {
                throw new StartupRefusedException(
                    data.MetaDb,
                    $"is missing, but this data directory is in use ({evidence}). meta.db holds the users, orgs and API keys; " +
                    "a new one would re-create the default admin with the documented password over the old data.",
                    "Restore meta.db (with meta.db-wal if the backup has one) from the backup taken with this directory; " +
                    $"or, to start from scratch on purpose, move the whole data directory {data.Root} aside and start again.");
            }

            return;
        }

        string? damage = SqliteDatabase.FindDamage(data.MetaDb, wholeFile ? null : LargeTables);
        if (damage is not null)
        {
            throw MetadataDamaged(data, damage);
        }
    }

    /// <summary>The refusal for a meta.db that SQLite cannot read (found at start-up or while migrating it).</summary>
    public static StartupRefusedException MetadataDamaged(DataDirectory data, string sqliteMessage, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new StartupRefusedException(
            data.MetaDb,
            $"is damaged (SQLite: {sqliteMessage.TrimEnd('.')}). It holds the users, orgs and API keys; running on it would fail sign-ins and key checks.",
            $"Stop the appliance and restore meta.db from a backup; or salvage what SQLite can still read: " +
            $"sqlite3 {data.MetaDb} \".recover\" | sqlite3 recovered.db, check it, then move recovered.db into place as meta.db " +
            "(and run `AegisGuard audit verify`).",
            innerException);
    }

    /// <summary>
    /// Why the directory counts as already used (the instance marker, the audit head log, manifest.db, Parquet files, ingest log segments or
    /// a key ring), or null when it looks new.
    /// </summary>
    public static string? FindEvidenceOfUse(DataDirectory data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (File.Exists(data.InstanceFile))
        {
            return "instance.json exists";
        }

        string anchor = Path.Combine(data.Root, Metadata.AuditAnchor.FileName);
        if (File.Exists(anchor) && new FileInfo(anchor).Length > 0)
        {
            return "audit.head records the audit log's history";
        }

        if (File.Exists(data.ManifestDb))
        {
            return "manifest.db exists";
        }

        if (Directory.Exists(data.TelemetryDir) &&
            Directory.EnumerateFiles(data.TelemetryDir, "*.parquet", SearchOption.AllDirectories).Any())
        {
            return "telemetry/ holds Parquet files";
        }

        if (Directory.Exists(data.IngestDir) &&
            Directory.EnumerateFiles(data.IngestDir, "ingest.log.*").Any(f => new FileInfo(f).Length > 0))
        {
            return "ingest/ holds ingest log segments";
        }

        if (Directory.Exists(data.KeysDir) && Directory.EnumerateFiles(data.KeysDir, "*.xml").Any())
        {
            return "keys/ holds a key ring";
        }

        return null;
    }
}

using AegisGuard.Identity;
using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Pipeline;
using AegisGuard.Storage;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;

namespace AegisGuard.Hosting;

/// <summary>
/// Runs before the web server listens, so <c>/healthz</c> answering means ready: migrations ran (when the stores
/// were created; a lost or damaged meta.db was refused before that, see <see cref="DataDirectoryCheck"/>), org
/// <c>default</c> exists (on a fresh data directory with its first admin), the key ring can decrypt meta.db's secrets
/// (else the <c>key-ring</c> condition), a lost manifest is rebuilt from the Parquet files, the ingest log is consistent
/// with the manifest, leftovers of an interrupted flush are gone (other unlisted files quarantined), the audit chain
/// matches its head anchor and the data directory its instance marker.
/// </summary>
public sealed partial class StartupInitializer(
    OrgDirectory orgs,
    UserService users,
    TelemetryStore store,
    IngestLog log,
    MetadataStore metadata,
    KeyRingCheck keyRing,
    DataDirectory data,
    TimeProvider time,
    ILogger<StartupInitializer> logger) : IHostedService
{
    private readonly Lock initializing = new();
    private bool initialized;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Initialize();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Does the start-up work once (the command line calls it before the host starts, so a refusal is printed as one line
    /// rather than logged by the host with a stack trace; hosts built by tests get it from <see cref="StartAsync"/>).
    /// Throws <see cref="StartupRefusedException"/> when running would lose data.
    /// </summary>
    public void Initialize()
    {
        lock (initializing)
        {
            if (!initialized)
            {
                InitializeOnce();
                initialized = true;
            }
        }
    }

    private void InitializeOnce()
    {
        if (!keyRing.Probe())
        {
            LogKeyRingUnavailable(logger, data.KeysDir);
        }

        var defaultOrg = orgs.Ensure(OrgDirectory.DefaultOrgSlug, "Default");
        if (users.EnsureFirstAdmin(defaultOrg.Id))
        {
            LogFirstAdmin(logger, UserService.FirstAdminEmail);
        }

        if (store.ManifestRebuildReason is not null)
        {
            store.RebuildManifest(ReplayStart(), log.TailAddress, time.GetUtcNow().UtcDateTime);
        }

        // The manifest says everything before FlushedUntil was already taken from the log. A log whose tail is
        // behind that lost its commit files (FASTER then silently starts empty): refuse to run on it.
        if (store.FlushedUntil > log.TailAddress)
        {
            throw new StartupRefusedException(
                data.IngestDir,
                $"the ingest log ends at address {log.TailAddress}, but manifest.db records data up to {store.FlushedUntil}: the log's commit files are missing or damaged.",
                "Restore data/ingest from the backup taken with manifest.db; the appliance refuses to start rather than lose data.");
        }

        // Never rewrites a missing or mismatched anchor (that would launder a truncation): a break is reported loudly
        // on the health board (audit) and here, and the anchor stays frozen at the last sound head.
        var audit = metadata.CheckAuditAtStartup();
        if (!audit.Intact)
        {
            LogAuditBroken(logger, metadata.AuditAnchorProblem ?? audit.Problem ?? "broken");
        }

        store.RemoveOrphans(log.TailAddress);
        try
        {
            InstanceMarker.EnsureWritten(data, time);
        }
        catch (IOException ex)
        {
            // E.g. a full disk: meta.db itself still marks the directory as in use, so this can wait for the next start.
            LogMarkerNotWritten(logger, data.InstanceFile, ex);
        }

        LogReady(logger, log.BeginAddress, log.TailAddress, store.FlushedUntil);
    }

    /// <summary>
    /// Where the normalizer's replay will start: its reader's last completed position (never before the log's begin).
    /// Opening the named reader only reads that position; FASTER keeps it for the normalizer's own open.
    /// </summary>
    private long ReplayStart()
    {
        using var reader = log.OpenReader(Normalizer.ReaderName);
        return Math.Max(log.BeginAddress, reader.NextAddress);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {Email} with the default password; it must be changed at first sign-in")]
    private static partial void LogFirstAdmin(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Error, Message = "The key ring in {KeysDir} cannot decrypt meta.db's secrets: not ready until it is restored (see /healthz)")]
    private static partial void LogKeyRingUnavailable(ILogger logger, string keysDir);

    [LoggerMessage(Level = LogLevel.Critical, Message = "AUDIT LOG BROKEN: {Problem}. Run `AegisGuard audit verify`; see /healthz (audit) for the remedy")]
    private static partial void LogAuditBroken(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the instance marker {File}; trying again at the next start")]
    private static partial void LogMarkerNotWritten(ILogger logger, string file, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: ingest log {Begin}..{Tail}, stored until {Flushed}")]
    private static partial void LogReady(ILogger logger, long begin, long tail, long flushed);
}

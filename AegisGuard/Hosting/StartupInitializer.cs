using AegisGuard.Identity.Users;
using AegisGuard.Orgs;
using AegisGuard.Storage.IngestLog;
using AegisGuard.Storage.Metadata;
using AegisGuard.Storage.Parquet;

namespace AegisGuard.Hosting;

/// <summary>
/// Runs before the web server listens, so <c>/healthz</c> answering means ready: migrations ran (when the stores
/// were created), org <c>default</c> exists (on a fresh data directory with its first admin), leftovers of an
/// interrupted flush are gone, the ingest log is consistent with the manifest, and the audit log has its head anchor.
/// </summary>
public sealed partial class StartupInitializer(
    OrgDirectory orgs,
    UserService users,
    TelemetryStore store,
    IngestLog log,
    MetadataStore metadata,
    ILogger<StartupInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var defaultOrg = orgs.Ensure(OrgDirectory.DefaultOrgSlug, "Default");
        if (users.EnsureFirstAdmin(defaultOrg.Id))
        {
            LogFirstAdmin(logger, UserService.FirstAdminEmail);
        }

        // The manifest says everything before FlushedUntil was already taken from the log. A log whose tail is
        // behind that lost its commit files (FASTER then silently starts empty): refuse to run on it.
        if (store.FlushedUntil > log.TailAddress)
        {
            throw new InvalidOperationException(
                $"The ingest log ends at address {log.TailAddress}, but the manifest records data up to {store.FlushedUntil}: " +
                "the log's commit files are missing or damaged. Restore data/ingest from a backup; refusing to start rather than lose data.");
        }

        if (metadata.EnsureAuditAnchor())
        {
            LogAnchorWritten(logger);
        }

        store.RemoveOrphans();
        LogReady(logger, log.BeginAddress, log.TailAddress, store.FlushedUntil);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin {Email} with the default password; it must be changed at first sign-in")]
    private static partial void LogFirstAdmin(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log had no head anchor (audit.head); wrote it from the newest entry. " +
        "Expected once after an upgrade; otherwise the file was deleted — run `AegisGuard audit verify` and check the newest entries")]
    private static partial void LogAnchorWritten(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Storage ready: ingest log {Begin}..{Tail}, stored until {Flushed}")]
    private static partial void LogReady(ILogger logger, long begin, long tail, long flushed);
}

using System.Diagnostics;
using AegisGuard.Identity;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Sqlite;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;

namespace AegisGuard.Hosting;

/// <summary>
/// The global exception handler's answer to storage faults that are not the client's doing and not a bug: a key ring
/// that cannot decrypt meta.db's secrets, and a meta.db (or manifest.db) that SQLite finds damaged, busy or on a full
/// disk. Each becomes 503 problem+json with Retry-After (never a 500 or a stack trace), and a damaged database or key ring
/// also becomes a NotReady condition on the health board, so <c>/healthz</c> says what is wrong and what to do.
/// Anything else falls through to the default handler (500 problem+json, no details).
/// </summary>
public sealed partial class StorageFaultExceptionHandler(
    HealthConditions health,
    DataDirectory data,
    KeyRingCheck keyRing,
    IProblemDetailsService problems,
    ILogger<StorageFaultExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Health board component of a meta.db that became unreadable while running.</summary>
    public const string MetadataComponent = "metadata";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        var answer = Classify(exception);
        if (answer is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "30";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = answer.Value.Title,
                Detail = answer.Value.Detail,
                Extensions = { ["error"] = answer.Value.Error },
            },
        });
    }

    private (string Title, string Detail, string Error)? Classify(Exception exception)
    {
        switch (Innermost(exception))
        {
            case KeyRingUnavailableException keys:
                if (health.Find(KeyRingCheck.Component) is null)
                {
                    LogKeyRing(logger, keys.Message); // once, not once per retrying agent
                }

                keyRing.ReportUnavailable(keys);
                return ("Key ring unavailable",
                    "The Data Protection key ring (data/keys) cannot decrypt the stored secrets, so this request cannot be served. " +
                    "Nothing was stored. The operator must restore data/keys from the backup taken with meta.db (see /healthz).",
                    "key_ring_unavailable");
            case Exception dataProtection when IsDataProtection(dataProtection):
                // Sessions, antiforgery and sign-in forms are protected by the same ring.
                if (health.Find(KeyRingCheck.Component) is null)
                {
                    LogKeyRing(logger, dataProtection.Message);
                }

                return ("Key ring unavailable",
                    "The Data Protection key ring (data/keys) has no usable key, so this request cannot be served. " +
                    "The operator must restore data/keys from the backup taken with meta.db (see /healthz).",
                    "key_ring_unavailable");
            case SqliteException sqlite when SqliteDatabase.IsDamage(sqlite):
                bool manifest = ThrownFrom(sqlite, "AegisGuard.Storage.Parquet");
                string file = manifest ? data.ManifestDb : data.MetaDb;
                string component = manifest ? Storage.Parquet.TelemetryStore.ManifestComponent : MetadataComponent;
                if (health.Find(component)?.Impact != HealthImpact.NotReady)
                {
                    LogDamaged(logger, file, sqlite.Message);
                }

                health.Report(component, HealthImpact.NotReady, manifest
                    ? $"{file} became unreadable while running (SQLite: {sqlite.Message.TrimEnd('.')}). Restart the appliance: start-up " +
                      "moves the damaged file aside and rebuilds the file list from the Parquet files."
                    : $"{file} became unreadable while running (SQLite: {sqlite.Message.TrimEnd('.')}): sign-ins, API keys and settings fail. " +
                      $"Stop the appliance and restore meta.db from a backup, or salvage it with sqlite3 {file} \".recover\" | sqlite3 recovered.db " +
                      "and move recovered.db into place as meta.db.");
                return ("Storage damaged",
                    $"The appliance's {(manifest ? "file list (manifest.db)" : "metadata database (meta.db)")} cannot be read, so this request " +
                    "cannot be served. Nothing was changed. The operator must restore it (see /healthz).",
                    manifest ? "manifest_damaged" : "metadata_damaged");
            case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteFull or SqliteIoError or SqliteReadOnly or SqliteCannotOpen:
                LogUnavailable(logger, sqlite.Message);
                return ("Storage unavailable",
                    (sqlite.SqliteErrorCode & 0xFF) == SqliteFull
                        ? "The data disk is full, so this request could not be stored. Nothing was changed; retry later."
                        : "The metadata database cannot be used right now. Nothing was changed; retry later.",
                    "storage_unavailable");
            default:
                return null;
        }
    }

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;

    private static Exception Innermost(Exception exception)
    {
        // Razor pages and filters wrap what a service threw; the storage fault is the first one that is ours to answer.
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is KeyRingUnavailableException or SqliteException || IsDataProtection(current))
            {
                return current;
            }
        }

        return exception;
    }

    private static bool IsDataProtection(Exception exception) =>
        exception is InvalidOperationException or System.Security.Cryptography.CryptographicException &&
        exception.TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) == true;

    /// <summary>Which store ran the failing command: the first of our frames on the stack names it.</summary>
    private static bool ThrownFrom(Exception exception, string storageNamespace)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            string? ns = frame.GetMethod()?.DeclaringType?.Namespace;
            if (ns is not null && ns.StartsWith("AegisGuard.", StringComparison.Ordinal) && !ns.StartsWith("AegisGuard.Storage.Sqlite", StringComparison.Ordinal))
            {
                return ns.StartsWith(storageNamespace, StringComparison.Ordinal);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A request failed because the key ring cannot decrypt stored secrets: {Reason}")]
    private static partial void LogKeyRing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{File} is damaged: {Reason}")]
    private static partial void LogDamaged(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request failed on the metadata database: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

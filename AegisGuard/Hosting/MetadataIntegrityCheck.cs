using System.Diagnostics;
using AegisGuard.Storage;
using AegisGuard.Storage.Health;
using AegisGuard.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace AegisGuard.Hosting;

/// <summary>
/// SQLite's <c>quick_check</c> of the whole of meta.db, once, <see cref="AegisOptions.MetadataCheckDelay"/> after start. Start-up itself checks every table but the
/// large append-only ones (<see cref="DataDirectoryCheck.LargeTables"/>), whose check costs about a second per million
/// rows; damage found here makes the appliance not ready (<c>metadata</c>) with the file, SQLite's message and the remedy.
/// </summary>
public sealed partial class MetadataIntegrityCheck(
    DataDirectory data,
    HealthConditions health,
    IOptions<AegisOptions> options,
    TimeProvider time,
    ILogger<MetadataIntegrityCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.MetadataCheckDelay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.Run(Check, stoppingToken);
    }

    private void Check()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            string? damage = SqliteDatabase.FindDamage(data.MetaDb);
            if (damage is null)
            {
                LogSound(logger, data.MetaDb, watch.ElapsedMilliseconds);
                return;
            }

            var refusal = DataDirectoryCheck.MetadataDamaged(data, damage);
            health.Report(StorageFaultExceptionHandler.MetadataComponent, HealthImpact.NotReady, refusal.Message);
            LogDamaged(logger, refusal.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, data.MetaDb, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} passed SQLite's quick_check in {Elapsed} ms")]
    private static partial void LogSound(ILogger logger, string file, long elapsed);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private static partial void LogDamaged(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check {File}")]
    private static partial void LogFailed(ILogger logger, string file, Exception exception);
}
